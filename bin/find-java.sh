# Sourced by bin/strata and bin/test: finds a JDK 21+ and sets STRATA_JAVA_HOME, or explains what is missing.
# Looks at JAVA_HOME, then the java on PATH, then every JDK under /usr/lib/jvm (newest first).

strata_java_version() { # prints the feature version of a java binary, e.g. 21
  "$1" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = \([0-9.]*\).*/\1/p' \
    | head -n 1 | sed 's/^1\.//; s/\..*//'
}

strata_find_java() {
  local need=21 candidates=() seen="" home v
  [ -n "${JAVA_HOME:-}" ] && candidates+=("$JAVA_HOME")
  if command -v java >/dev/null 2>&1; then
    candidates+=("$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")")
  fi
  for home in $(ls -d /usr/lib/jvm/*/ 2>/dev/null | sort -rV); do candidates+=("${home%/}"); done
  for home in "${candidates[@]}"; do
    [ -x "$home/bin/java" ] || continue
    v=$(strata_java_version "$home/bin/java")
    seen="$seen ${home}(${v:-?})"
    if [ -n "$v" ] && [ "$v" -ge "$need" ] && [ -x "$home/bin/javac" ]; then
      STRATA_JAVA_HOME="$home"
      STRATA_JAVA_VERSION="$v"
      return 0
    fi
  done
  echo "strata: needs a JDK $need or newer (with javac) and found none." >&2
  echo "  looked at: JAVA_HOME, the java on PATH and /usr/lib/jvm/*;${seen:+ found:$seen}" >&2
  echo "  fix: install one (e.g. 'apt-get install openjdk-21-jdk-headless') or set JAVA_HOME to it." >&2
  return 1
}

package io.strata.cli.output;

/** How read commands print their result: aligned tables for people, one JSON document for scripts. */
public enum OutputFormat {
    TABLE, JSON
}

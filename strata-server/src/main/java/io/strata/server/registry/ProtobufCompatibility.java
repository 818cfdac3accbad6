package io.strata.server.registry;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The compatibility rules Strata checks for Protobuf schemas, on the messages and fields of a {@code .proto} text:
 * whether data written with one schema's messages reads with another's, judged by field number, as Protobuf's wire
 * format does. Incompatible: a message removed, a field's number reused with a type of another wire encoding (a
 * scalar type outside its group: {@code int32 uint32 int64 uint64 bool}, {@code sint32 sint64},
 * {@code fixed32 sfixed32}, {@code fixed64 sfixed64}, {@code string bytes}; a scalar for an enum or message; another
 * message type), a field becoming repeated or no longer repeated (or a map), and a {@code required} field added or
 * removed. Adding and removing optional fields, renaming fields and adding messages are compatible, as in
 * Confluent's rules. Not judged: options, oneof membership, enum values, imports and services. A text this
 * parser does not follow is stored without checks (an empty model). Stateless.
 */
final class ProtobufCompatibility {

    /** A field: its label ({@code repeated}, {@code required}, {@code optional} or empty), type and name. */
    record Field(String label, String type, String name) {
    }

    /** The messages of a schema by full name (nested ones as {@code Outer.Inner}), each field by number. */
    record Model(Map<String, Map<Integer, Field>> messages, Set<String> enums) {
    }

    private static final Set<String> SCALARS = Set.of("double", "float", "int32", "int64", "uint32", "uint64",
            "sint32", "sint64", "fixed32", "fixed64", "sfixed32", "sfixed64", "bool", "string", "bytes");
    private static final List<Set<String>> WIRE_GROUPS = List.of(Set.of("int32", "uint32", "int64", "uint64", "bool"),
            Set.of("sint32", "sint64"), Set.of("fixed32", "sfixed32"), Set.of("fixed64", "sfixed64"),
            Set.of("string", "bytes"));
    private static final Pattern TOKEN = Pattern.compile(
            "\\s+|//[^\\n]*|/\\*.*?\\*/|\"(?:[^\"\\\\]|\\\\.)*\"|'(?:[^'\\\\]|\\\\.)*'|[A-Za-z_.][A-Za-z0-9_.]*|"
                    + "-?[0-9][A-Za-z0-9_.+-]*|.", Pattern.DOTALL);

    private ProtobufCompatibility() {
    }

    /** The messages of {@code text}, or empty when it is not Protobuf this parser follows. */
    static Optional<Model> parse(String text) {
        List<String> tokens = new ArrayList<>();
        Matcher m = TOKEN.matcher(text);
        while (m.find()) {
            String t = m.group();
            if (!t.isBlank() && !t.startsWith("//") && !t.startsWith("/*")) {
                tokens.add(t);
            }
        }
        try {
            Model model = new Model(new LinkedHashMap<>(), new HashSet<>());
            new Parser(tokens, model).file();
            return Optional.of(model);
        } catch (IllegalArgumentException | IndexOutOfBoundsException e) {
            return Optional.empty();
        }
    }

    /** Why data written with {@code writer} cannot be read with {@code reader}; empty when it can. */
    static List<String> readErrors(Model reader, Model writer) {
        List<String> errors = new ArrayList<>();
        for (Map.Entry<String, Map<Integer, Field>> message : writer.messages().entrySet()) {
            Map<Integer, Field> read = reader.messages().get(message.getKey());
            if (read == null) {
                errors.add("MESSAGE_REMOVED: " + message.getKey());
                continue;
            }
            for (Map.Entry<Integer, Field> written : message.getValue().entrySet()) {
                Field old = written.getValue();
                Field now = read.get(written.getKey());
                String where = message.getKey() + " field " + written.getKey();
                if (now == null) {
                    if (old.label().equals("required")) {
                        errors.add("REQUIRED_FIELD_REMOVED: " + where + " (" + old.name() + ")");
                    }
                    continue;
                }
                fieldErrors(where, old, now, reader, writer).ifPresent(errors::add);
            }
            for (Map.Entry<Integer, Field> added : read.entrySet()) {
                if (!message.getValue().containsKey(added.getKey()) && added.getValue().label().equals("required")) {
                    errors.add("REQUIRED_FIELD_ADDED: " + message.getKey() + " field " + added.getKey() + " ("
                            + added.getValue().name() + ")");
                }
            }
        }
        return errors;
    }

    private static Optional<String> fieldErrors(String where, Field old, Field now, Model reader, Model writer) {
        boolean oldRepeated = old.label().equals("repeated") || old.type().startsWith("map<");
        boolean nowRepeated = now.label().equals("repeated") || now.type().startsWith("map<");
        if (oldRepeated != nowRepeated) {
            return Optional.of("FIELD_KIND_CHANGED: " + where + " is " + (nowRepeated ? "now" : "no longer")
                    + " repeated");
        }
        if (old.type().equals(now.type())) {
            return Optional.empty();
        }
        boolean oldScalar = SCALARS.contains(old.type());
        boolean nowScalar = SCALARS.contains(now.type());
        if (oldScalar && nowScalar) {
            boolean sameGroup = WIRE_GROUPS.stream().anyMatch(g -> g.contains(old.type()) && g.contains(now.type()));
            return sameGroup ? Optional.empty() : Optional.of("FIELD_SCALAR_KIND_CHANGED: " + where + " from "
                    + old.type() + " to " + now.type());
        }
        if (oldScalar || nowScalar || isEnum(old.type(), writer) != isEnum(now.type(), reader)) {
            return Optional.of("FIELD_KIND_CHANGED: " + where + " from " + old.type() + " to " + now.type());
        }
        // Named types compared by simple name: a package or nesting qualifier alone is not a change.
        return simpleName(old.type()).equals(simpleName(now.type())) ? Optional.empty()
                : Optional.of("FIELD_NAMED_TYPE_CHANGED: " + where + " from " + old.type() + " to " + now.type());
    }

    private static boolean isEnum(String type, Model model) {
        String simple = simpleName(type);
        return model.enums().stream().anyMatch(e -> simpleName(e).equals(simple));
    }

    private static String simpleName(String type) {
        return type.substring(type.lastIndexOf('.') + 1);
    }

    /** A recursive-descent reader of the declarations that matter; anything else is skipped by its braces. */
    private static final class Parser {
        private final List<String> tokens;
        private final Model model;
        private final Deque<String> scope = new ArrayDeque<>();
        private int at;

        Parser(List<String> tokens, Model model) {
            this.tokens = tokens;
            this.model = model;
        }

        private String next() {
            return tokens.get(at++);
        }

        private String peek() {
            return tokens.get(at);
        }

        private void expect(String token) {
            String t = next();
            if (!t.equals(token)) {
                throw new IllegalArgumentException("expected " + token + ", got " + t);
            }
        }

        void file() {
            while (at < tokens.size()) {
                switch (peek()) {
                    case "message" -> message();
                    case "enum" -> enumeration();
                    case ";" -> next();
                    case "service", "extend" -> skipBlock();
                    default -> skipStatement();
                }
            }
        }

        private String qualified(String name) {
            return scope.isEmpty() ? name : String.join(".", scope.reversed()) + "." + name;
        }

        private void message() {
            expect("message");
            String name = qualified(next());
            Map<Integer, Field> fields = new LinkedHashMap<>();
            model.messages().put(name, fields);
            scope.push(name.substring(name.lastIndexOf('.') + 1));
            expect("{");
            body(fields);
            scope.pop();
        }

        /** A message's (or a oneof's) declarations up to its closing brace. */
        private void body(Map<Integer, Field> fields) {
            while (!peek().equals("}")) {
                switch (peek()) {
                    case "message" -> message();
                    case "enum" -> enumeration();
                    case "oneof" -> {
                        next();
                        next();
                        expect("{");
                        body(fields);
                    }
                    case "option", "reserved", "extensions" -> skipStatement();
                    case "extend", "group" -> skipBlock();
                    case ";" -> next();
                    default -> field(fields);
                }
            }
            expect("}");
        }

        private void field(Map<Integer, Field> fields) {
            String label = "";
            if (Set.of("repeated", "optional", "required").contains(peek())) {
                label = next();
            }
            String type = next();
            if (type.equals("map")) {
                StringBuilder map = new StringBuilder("map");
                String t;
                do {
                    t = next();
                    map.append(t);
                } while (!t.equals(">"));
                type = map.toString();
            }
            String name = next();
            expect("=");
            int number = Integer.parseInt(next());
            fields.put(number, new Field(label, type.startsWith(".") ? type.substring(1) : type, name));
            skipStatement();
        }

        private void enumeration() {
            expect("enum");
            model.enums().add(qualified(next()));
            skipBlock();
        }

        /** Skips up to and including the next {@code ;} at this nesting level (options in brackets included). */
        private void skipStatement() {
            int depth = 0;
            while (true) {
                String t = next();
                if (t.equals("[") || t.equals("(")) {
                    depth++;
                } else if (t.equals("]") || t.equals(")")) {
                    depth--;
                } else if (t.equals(";") && depth == 0) {
                    return;
                } else if (t.equals("{") && depth == 0) {
                    at--;
                    skipBlock();
                    return;
                }
            }
        }

        /** Skips to the first {@code {} and past its matching {@code }}. */
        private void skipBlock() {
            while (!next().equals("{")) {
                // the declaration's head
            }
            int depth = 1;
            while (depth > 0) {
                String t = next();
                if (t.equals("{")) {
                    depth++;
                } else if (t.equals("}")) {
                    depth--;
                }
            }
        }
    }
}

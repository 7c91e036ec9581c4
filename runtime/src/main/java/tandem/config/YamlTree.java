package tandem.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import java.io.IOException;
import java.math.BigInteger;
import java.util.HashMap;
import java.util.Map;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;

/**
 * A YAML document as a Jackson tree plus the line of every field path in it. Jackson's tree model
 * forgets locations, so the token stream is walked here and each path's line recorded on the way;
 * the validator then reports errors as {@code FILE:LINE: path: message}.
 *
 * <p>Paths are dotted, list items indexed: {@code services[2].name}; the document itself is {@code ""}.
 */
final class YamlTree {
    /** {@code key:} with nothing after it is YAML's null, not an empty string. */
    private static final YAMLFactory FACTORY = YAMLFactory.builder()
            .enable(YAMLParser.Feature.EMPTY_STRING_AS_NULL)
            .build();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    /** A node file needs a few levels; more is a mistake or an attack on the parser's stack. */
    static final int MAX_DEPTH = 64;

    private final YAMLParser parser;
    private final Problems problems;
    /** Line of the key of each mapping entry. */
    private final Map<String, Integer> keyLines = new HashMap<>();
    /** Line to report for a problem with the value at a path: the scalar itself, else its key. */
    private final Map<String, Integer> lines = new HashMap<>();
    /**
     * Source text of numbers and booleans, so {@code id: 007} stays "007" and {@code user: on} stays
     * "on" (YAML 1.1 reads it as true) where a string is wanted.
     */
    private final Map<String, String> scalarTexts = new HashMap<>();
    private JsonNode root;

    private YamlTree(YAMLParser parser, Problems problems) {
        this.parser = parser;
        this.problems = problems;
    }

    /**
     * Parses {@code text}. Returns null, with the reason in {@code problems}, when the text is not a
     * single YAML document; duplicate keys and aliases are reported but do not stop the parse.
     */
    static YamlTree parse(String text, Problems problems) {
        TextFile.Problem refused = TextFile.firstCharacterYamlRefuses(text);
        if (refused != null) {
            // snakeyaml says "special characters are not allowed" without a usable line
            problems.add(refused.line(), "", refused.message());
            return null;
        }
        YAMLParser parser = null;
        try {
            parser = FACTORY.createParser(text);
            YamlTree tree = new YamlTree(parser, problems);
            JsonToken first = parser.nextToken();
            if (first == null) {
                problems.add(1, "", "the file is empty");
                return null;
            }
            tree.root = tree.readValue(first, "", 0, 1);
            if (parser.nextToken() != null) {
                problems.add(line(parser.currentTokenLocation()), "",
                        "only one YAML document is allowed, but a second one starts here");
                return null;
            }
            return tree;
        } catch (TooDeep e) {
            problems.add(e.line, "", "YAML nested more than " + MAX_DEPTH + " levels deep; a node file needs a few levels");
            return null;
        } catch (StreamReadException e) {
            reportSyntax(e, problems);
            return null;
        } catch (IOException e) {
            // the input is a String, so this is a parser failure we do not know better (a limit of
            // Jackson's own, say): at least where the parser was
            problems.add(parser != null ? Math.max(line(parser.currentLocation()), 1) : 0, "",
                    "cannot parse YAML: " + e.getMessage());
            return null;
        } finally {
            if (parser != null) {
                try {
                    parser.close();
                } catch (IOException e) {
                    // a String parser holds nothing to release
                }
            }
        }
    }

    /** Thrown when the document nests deeper than {@link #MAX_DEPTH}; {@code line} is where. */
    private static final class TooDeep extends IOException {
        private static final long serialVersionUID = 1L;
        private final int line;

        TooDeep(int line) {
            super(null, null);
            this.line = line;
        }
    }

    /** The document's root value. */
    JsonNode root() {
        return root;
    }

    /** The line to report for a problem with the value at {@code path}; 0 if unknown. */
    int line(String path) {
        return lines.getOrDefault(path, 0);
    }

    /** The line of the key of mapping entry {@code path}; falls back to {@link #line(String)}. */
    int keyLine(String path) {
        Integer line = keyLines.get(path);
        return line != null ? line : line(path);
    }

    /** The number or boolean as written, for reading it where text is wanted; null for anything else. */
    String scalarText(String path) {
        return scalarTexts.get(path);
    }

    private JsonNode readValue(JsonToken token, String path, int keyLine, int depth) throws IOException {
        int valueLine = line(parser.currentTokenLocation());
        if (depth > MAX_DEPTH && (token == JsonToken.START_OBJECT || token == JsonToken.START_ARRAY)) {
            throw new TooDeep(valueLine);
        }
        switch (token) {
            case START_OBJECT -> {
                lines.put(path, keyLine > 0 ? keyLine : valueLine);
                ObjectNode object = NODES.objectNode();
                for (JsonToken t = parser.nextToken(); t != JsonToken.END_OBJECT; t = parser.nextToken()) {
                    String name = parser.currentName();
                    String child = path.isEmpty() ? name : path + "." + name;
                    int childKeyLine = line(parser.currentTokenLocation());
                    JsonToken value = parser.nextToken();
                    if (object.has(name)) {
                        problems.add(childKeyLine, child, "duplicate key (first at line " + keyLines.get(child) + ")");
                        parser.skipChildren();
                        continue;
                    }
                    keyLines.put(child, childKeyLine);
                    object.set(name, readValue(value, child, childKeyLine, depth + 1));
                }
                return object;
            }
            case START_ARRAY -> {
                lines.put(path, keyLine > 0 ? keyLine : valueLine);
                ArrayNode array = NODES.arrayNode();
                int index = 0;
                for (JsonToken t = parser.nextToken(); t != JsonToken.END_ARRAY; t = parser.nextToken()) {
                    array.add(readValue(t, path + "[" + index++ + "]", 0, depth + 1));
                }
                return array;
            }
            case VALUE_NULL -> {
                // an empty value sits after its key, possibly on the next line: report the key
                lines.put(path, keyLine > 0 ? keyLine : valueLine);
                return NODES.nullNode();
            }
            default -> {
                lines.put(path, valueLine);
                return readScalar(token, path);
            }
        }
    }

    private JsonNode readScalar(JsonToken token, String path) throws IOException {
        if (parser.isCurrentAlias()) {
            // Jackson hands an alias over as the anchor's name, which would silently become the value
            problems.add(line(path), path, "YAML aliases (*" + parser.getText() + ") are not supported; write the value out");
            return NODES.nullNode();
        }
        if (token != JsonToken.VALUE_STRING) {
            scalarTexts.put(path, parser.getText());
        }
        return switch (token) {
            case VALUE_TRUE -> NODES.booleanNode(true);
            case VALUE_FALSE -> NODES.booleanNode(false);
            case VALUE_NUMBER_INT -> {
                BigInteger value = parser.getBigIntegerValue();
                yield value.bitLength() < 64 ? NODES.numberNode(value.longValue()) : NODES.numberNode(value);
            }
            case VALUE_NUMBER_FLOAT -> NODES.numberNode(parser.getDoubleValue());
            default -> NODES.textNode(parser.getText());
        };
    }

    private static void reportSyntax(StreamReadException e, Problems problems) {
        if (e.getCause() instanceof MarkedYAMLException yaml) {
            // snakeyaml's own message spans several lines with a caret drawing; keep the sentence
            Mark mark = yaml.getProblemMark() != null ? yaml.getProblemMark() : yaml.getContextMark();
            String message = yaml.getProblem() != null ? yaml.getProblem() : yaml.getContext();
            if (yaml.getContext() != null && yaml.getProblem() != null) {
                message = yaml.getContext() + ": " + yaml.getProblem();
            }
            problems.add(mark != null ? mark.getLine() + 1 : line(e.getLocation()), "", "YAML syntax error: " + message);
            return;
        }
        problems.add(line(e.getLocation()), "", "YAML syntax error: " + e.getOriginalMessage());
    }

    private static int line(JsonLocation location) {
        return location != null ? Math.max(location.getLineNr(), 0) : 0;
    }
}

package tandem.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import tandem.config.ValueReader.Conversion;

/**
 * One YAML mapping with the keys the schema allows there. Unknown keys are reported when the
 * section is opened; each key is then read once through a {@link Conversion}.
 */
final class Section {
    /**
     * Keys the schema once had, by path, with why a file that still has one is refused: clearer than
     * "unknown field" and a guess at a similar name.
     */
    private static final Map<String, String> RETIRED = Map.of(
            "schedules", "is not a setting (any more): no node ever ran these entries; remove the section");

    private final ValueReader values;
    private final Problems problems;
    private final YamlTree tree;
    final String path;
    /** null when the section is absent from the file (or not a mapping, already reported). */
    private final ObjectNode node;
    /** false for an absent or malformed required section: it is reported once, not once per field. */
    private final boolean reportMissing;
    private final Set<String> fields;

    /** @param values the file's values, read after it was parsed */
    Section(ValueReader values, String path, JsonNode value, boolean reportMissing, String... fields) {
        this.values = values;
        this.problems = values.problems;
        this.tree = values.tree;
        this.path = path;
        this.fields = new LinkedHashSet<>(List.of(fields));
        this.reportMissing = reportMissing && (value == null || value.isNull() || value.isObject());
        if (value == null || value.isNull()) {
            this.node = null;
        } else if (!value.isObject()) {
            problems.add(tree.line(path), path, "must be a mapping with the keys " + String.join(", ", fields)
                    + "; got " + values.describe(path, value));
            this.node = null;
        } else {
            this.node = (ObjectNode) value;
            reportUnknownFields();
        }
    }

    private void reportUnknownFields() {
        for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (RETIRED.containsKey(child(name))) {
                problems.add(tree.keyLine(child(name)), child(name), RETIRED.get(child(name)));
            } else if (!fields.contains(name)) {
                String hint = Suggest.closest(name, fields)
                        .map(s -> "did you mean \"" + s + "\"?")
                        .orElse("valid fields here are " + String.join(", ", fields));
                problems.add(tree.keyLine(child(name)), child(name), "unknown field; " + hint);
            }
        }
    }

    boolean present() {
        return node != null;
    }

    /** False for a missing required section or one that is not a mapping (both already reported). */
    boolean usable() {
        return reportMissing;
    }

    String child(String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    /** The line of the section itself: its key, or its first line for a list item. */
    int line() {
        return Math.max(tree.line(path), 1);
    }

    /** The line of the value of {@code key}, else the section's. */
    int line(String key) {
        int line = tree.line(child(key));
        return line > 0 ? line : line();
    }

    int keyLine(String key) {
        int line = tree.keyLine(child(key));
        return line > 0 ? line : line();
    }

    /** The line of the first of {@code keys} written in the file, else the section's. */
    int firstLine(String... keys) {
        for (String key : keys) {
            if (has(key)) {
                return line(key);
            }
        }
        return line();
    }

    /** The value of {@code key}, or null when absent or empty. */
    private JsonNode get(String key) {
        if (!fields.contains(key)) {
            throw new IllegalArgumentException(key + " is not declared for " + path);
        }
        JsonNode v = node == null ? null : node.get(key);
        return v == null || v.isNull() ? null : v;
    }

    boolean has(String key) {
        return get(key) != null;
    }

    /** Whether {@code key} is written in the file at all, even without a value ({@code key:}). */
    boolean written(String key) {
        get(key);
        return node != null && node.has(key);
    }

    <T> Optional<T> optional(String key, Conversion<T> conversion) {
        JsonNode v = get(key);
        return v == null ? Optional.empty() : conversion.apply(child(key), v);
    }

    <T> T require(String key, Conversion<T> conversion) {
        return require(key, conversion, null);
    }

    /** The converted value, or null after reporting why there is none. */
    <T> T require(String key, Conversion<T> conversion, String qualifier) {
        JsonNode v = get(key);
        if (v != null) {
            return conversion.apply(child(key), v).orElse(null);
        }
        String suffix = qualifier == null ? "" : " " + qualifier;
        if (node != null && node.has(key)) {
            problems.add(keyLine(key), child(key), "must not be empty" + suffix);
        } else if (reportMissing) {
            problems.add(line(), child(key), "missing required field" + suffix);
        }
        return null;
    }

    Section optionalSection(String key, String... fields) {
        return new Section(values, child(key), get(key), true, fields);
    }

    Section requiredSection(String key, String... fields) {
        return requiredSectionWhere(key, null, fields);
    }

    /**
     * A section required only here: {@code qualifier} says when ("for role active"), after "missing
     * required field".
     */
    Section requiredSectionWhere(String key, String qualifier, String... fields) {
        JsonNode v = get(key);
        if (v == null) {
            require(key, (p, x) -> Optional.empty(), qualifier);
            return new Section(values, child(key), null, false, fields);
        }
        return new Section(values, child(key), v, true, fields);
    }

    /** The mappings listed under {@code key}; items that are not mappings are reported and skipped. */
    List<Section> sections(String key, String... fields) {
        JsonNode v = get(key);
        if (v == null) {
            return List.of();
        }
        String listPath = child(key);
        if (!v.isArray()) {
            problems.add(tree.line(listPath), listPath, "must be a list, got " + values.describe(listPath, v));
            return List.of();
        }
        List<Section> items = new ArrayList<>();
        for (int i = 0; i < v.size(); i++) {
            String item = listPath + "[" + i + "]";
            if (v.get(i).isObject()) {
                items.add(new Section(values, item, v.get(i), true, fields));
            } else {
                problems.add(tree.line(item), item, "must be a mapping with the keys " + String.join(", ", fields)
                        + "; got " + values.describe(item, v.get(i)));
            }
        }
        return items;
    }
}

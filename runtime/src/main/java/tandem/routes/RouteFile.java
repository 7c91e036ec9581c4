package tandem.routes;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.camel.spi.Resource;
import org.apache.camel.support.ResourceHelper;
import tandem.config.TextFile;

/**
 * One route file, read into memory once: the check and the real load parse the same text even if
 * a site engineer saves the file in between.
 *
 * @param path the file as found under its folder; problems name it with {@code path.toString()}
 * @param text the file's content (UTF-8)
 */
record RouteFile(Path path, String text) {
    static final String SUFFIX = ".camel.yaml";

    /**
     * Reads every {@code *.camel.yaml} directly in each folder (not in sub-folders), folder by folder
     * in the order given, and within a folder sorted by file name, so route ids and problems come out
     * in the same order on every machine. A folder listed twice is read once.
     */
    static List<RouteFile> readAll(List<Path> folders, Problems problems) {
        List<RouteFile> files = new ArrayList<>();
        Set<Path> seen = new HashSet<>();
        for (Path folder : folders) {
            if (!Files.exists(folder)) {
                problems.add(folder, 0, "route folder does not exist");
                continue;
            }
            if (!Files.isDirectory(folder)) {
                problems.add(folder, 0, "is not a folder; route folders hold *" + SUFFIX + " files");
                continue;
            }
            if (!seen.add(folder.toAbsolutePath().normalize())) {
                continue;
            }
            for (Path path : list(folder, problems)) {
                try {
                    String text = TextFile.read(path, TextFile.DOCUMENT_LIMIT, "a route file");
                    // snakeyaml would say "special characters are not allowed" without a line
                    TextFile.Problem refused = TextFile.firstCharacterYamlRefuses(text);
                    if (refused != null) {
                        problems.add(path, refused.line(), refused.message());
                    } else {
                        files.add(new RouteFile(path, text));
                    }
                } catch (TextFile.Unreadable e) {
                    problems.add(path, e.problem().line(), e.problem().message());
                }
            }
        }
        return files;
    }

    private static List<Path> list(Path folder, Problems problems) {
        try (Stream<Path> entries = Files.list(folder)) {
            return entries.filter(p -> p.getFileName().toString().endsWith(SUFFIX))
                    .filter(Files::isRegularFile)
                    .sorted(Comparator.comparing(p -> p.getFileName().toString()))
                    .toList();
        } catch (IOException e) {
            problems.add(folder, 0, "cannot list the route folder: " + e);
            return List.of();
        }
    }

    /** The file as a Camel resource; the location keeps the file's name so Camel's sources name it. */
    Resource resource() {
        return resource(text);
    }

    /** Other text under this file's name (used to parse one list item alone, see {@link RouteYaml}). */
    Resource resource(String content) {
        return ResourceHelper.fromString("file:" + path, content);
    }
}

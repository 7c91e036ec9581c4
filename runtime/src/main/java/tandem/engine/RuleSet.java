package tandem.engine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.drools.compiler.kie.builder.impl.DrlProject;
import org.drools.base.definitions.rule.impl.RuleImpl;
import org.kie.api.KieBase;
import org.kie.api.KieServices;
import org.kie.api.builder.KieBuilder;
import org.kie.api.builder.KieFileSystem;
import org.kie.api.builder.Message;
import org.kie.api.builder.ReleaseId;
import org.kie.api.definition.KiePackage;
import org.kie.api.definition.rule.Rule;

/**
 * The rules of one node: every {@code *.drl} of {@code rules/common}, {@code rules/<profile>} and the
 * folders the site lists, compiled at run time with the classic DRL build, which reports every error
 * with its line (the executable model reports line -1 and builds slower; DESIGN "The stack").
 */
public final class RuleSet {

    /** Every build gets its own release id, so two rule sets in one JVM (two simulated nodes, a reload) never replace each other. */
    private static final AtomicLong BUILDS = new AtomicLong();

    private final KieBase kieBase;
    private final List<Path> files;
    private final Map<String, Path> byVirtualPath;

    private RuleSet(KieBase kieBase, Map<String, Path> byVirtualPath) {
        this.kieBase = kieBase;
        this.byVirtualPath = Map.copyOf(byVirtualPath);
        this.files = List.copyOf(byVirtualPath.values());
    }

    /** The file that holds the named rule, if any file does. */
    public Optional<Path> fileOf(String ruleName) {
        for (KiePackage p : kieBase.getKiePackages()) {
            for (Rule r : p.getRules()) {
                if (r.getName().equals(ruleName) && r instanceof RuleImpl impl && impl.getResource() != null) {
                    String src = impl.getResource().getSourcePath();
                    Path f = byVirtualPath.getOrDefault(src, byVirtualPath.get("src/main/resources/" + src));
                    if (f != null) {
                        return Optional.of(f);
                    }
                }
            }
        }
        return Optional.empty();
    }

    /** The problems of a rules error that names rules, each prefixed with the file of the first such rule. */
    public List<String> locate(RulesException e) {
        Optional<Path> f = e.rules().stream().map(this::fileOf).flatMap(Optional::stream).findFirst();
        return f.map(p -> e.problems().stream().map(x -> p + ": " + x).toList()).orElse(e.problems());
    }

    public KieBase kieBase() {
        return kieBase;
    }

    /** How many rules the files hold. */
    public int ruleCount() {
        return kieBase.getKiePackages().stream().mapToInt(p -> p.getRules().size()).sum();
    }

    /** The DRL files compiled, in load order. */
    public List<Path> files() {
        return files;
    }

    /** The profiles whose nodes form a failover pair and share {@code rules/pair/}. */
    static final java.util.Set<String> PAIR_PROFILES = java.util.Set.of("ms-failover", "sbs");

    /**
     * The rule folders of a profile: {@code <home>/rules/common}, {@code <home>/rules/pair} for the
     * failover-pair profiles, {@code <home>/rules/<profile>}, then the extras.
     */
    public static List<Path> folders(Path home, String profile, List<Path> extra) {
        List<Path> dirs = new ArrayList<>();
        dirs.add(home.resolve("rules").resolve("common"));
        if (PAIR_PROFILES.contains(profile)) {
            dirs.add(home.resolve("rules").resolve("pair"));
        }
        dirs.add(home.resolve("rules").resolve(profile));
        dirs.addAll(extra);
        return dirs;
    }

    /**
     * Compiles every DRL file in the folders (sorted by name within a folder).
     *
     * @throws RulesException listing every problem as {@code FILE:LINE: message}: missing folders,
     *                        unreadable files, syntax and semantic errors
     */
    public static RuleSet compile(List<Path> folders) {
        List<String> problems = new ArrayList<>();
        Map<String, Path> byVirtualPath = new LinkedHashMap<>();
        int folderIndex = 0;
        for (Path dir : folders) {
            folderIndex++;
            if (!Files.isDirectory(dir)) {
                problems.add(dir + ": rule folder does not exist");
                continue;
            }
            try (Stream<Path> s = Files.list(dir)) {
                for (Path f : s.filter(p -> p.getFileName().toString().endsWith(".drl")).sorted().toList()) {
                    byVirtualPath.put("src/main/resources/tandem/rules/" + folderIndex + "-" + f.getFileName(), f);
                }
            } catch (IOException e) {
                problems.add(dir + ": cannot list rule folder: " + e.getMessage());
            }
        }
        if (byVirtualPath.isEmpty() && problems.isEmpty()) {
            problems.add(String.join(", ", folders.stream().map(Path::toString).toList()) + ": no rule files (*.drl)");
        }
        if (!problems.isEmpty()) {
            throw new RulesException(problems);
        }
        KieServices ks = KieServices.Factory.get();
        ReleaseId releaseId = ks.newReleaseId("tandem", "rules-" + BUILDS.incrementAndGet(), "1.0.0");
        KieFileSystem kfs = ks.newKieFileSystem();
        kfs.generateAndWritePomXML(releaseId);
        for (Map.Entry<String, Path> e : byVirtualPath.entrySet()) {
            try {
                kfs.write(e.getKey(), Files.readAllBytes(e.getValue()));
            } catch (IOException ex) {
                problems.add(e.getValue() + ": cannot read: " + ex.getMessage());
            }
        }
        if (!problems.isEmpty()) {
            throw new RulesException(problems);
        }
        KieBuilder builder = ks.newKieBuilder(kfs).buildAll(DrlProject.class);
        List<Message> errors = builder.getResults().getMessages(Message.Level.ERROR);
        for (Message m : errors) {
            // the parser's summary of a file it already reported errors for tells the user nothing new
            boolean echo = m.getText() != null && m.getText().contains("Parser returned a null Package")
                    && errors.stream().anyMatch(o -> o != m && Objects.equals(o.getPath(), m.getPath()));
            if (!echo) {
                problems.add(describe(m, byVirtualPath));
            }
        }
        if (!problems.isEmpty()) {
            throw new RulesException(problems);
        }
        KieBase kb = ks.newKieContainer(releaseId).getKieBase();
        return new RuleSet(kb, byVirtualPath);
    }

    private static String describe(Message m, Map<String, Path> byVirtualPath) {
        Path file = m.getPath() == null ? null
                : byVirtualPath.getOrDefault(m.getPath(), byVirtualPath.get("src/main/resources/" + m.getPath()));
        String where = file == null ? (m.getPath() == null ? "rules" : m.getPath()) : file.toString();
        String text = m.getText() == null ? "" : m.getText().strip().replaceAll("\\s*\\n\\s*", " ")
                .replaceFirst("^\\[ERR \\d+\\] Line \\d+:\\d+ ", "");
        return m.getLine() > 0 ? where + ":" + m.getLine() + ": " + text : where + ": " + text;
    }
}

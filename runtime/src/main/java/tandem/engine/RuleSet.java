package tandem.engine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
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
import tandem.config.Extensions;
import tandem.config.NodeConfig;
import tandem.config.Suggest;

/**
 * The rules of one node: every {@code *.drl} of the profile's rule folders (its descriptor, {@link
 * ProfileSpec}) and of the folders the site lists, compiled at run time with the classic DRL build,
 * which reports every error with its line (the executable model reports line -1 and builds slower;
 * DESIGN "The stack"). A site rule named like a shipped one replaces it, and the site can switch
 * shipped rules off ({@code extensions.disable-rules}); {@link #siteChanges()} lists both.
 */
public final class RuleSet {

    /** Every build gets its own release id, so two rule sets in one JVM (two simulated nodes, a reload) never replace each other. */
    private static final AtomicLong BUILDS = new AtomicLong();

    private final KieBase kieBase;
    private final List<Path> files;
    private final Map<String, Path> byVirtualPath;
    private final List<SiteChange> siteChanges;
    private final List<String> warnings;

    private RuleSet(KieBase kieBase, Map<String, Path> byVirtualPath, List<SiteChange> siteChanges, List<String> warnings) {
        this.kieBase = kieBase;
        this.byVirtualPath = Map.copyOf(byVirtualPath);
        this.files = List.copyOf(byVirtualPath.values());
        this.siteChanges = List.copyOf(siteChanges);
        this.warnings = List.copyOf(warnings);
    }

    /**
     * What the site's folders and {@code extensions.disable-rules} changed against the shipped rules:
     * replaced first, then disabled, then added.
     */
    public List<SiteChange> siteChanges() {
        return siteChanges;
    }

    /**
     * What compiles but is likely a mistake, each as {@code FILE:LINE: warning: ...}: two rules with the
     * same conditions and the same consequence (a site copy of a shipped rule under a new name) make
     * every decision twice.
     */
    public List<String> warnings() {
        return warnings;
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

    /**
     * The rule folders of a node: its profile's (from the descriptor), then the site's
     * ({@code extensions.rules}), and the shipped rules the site switches off
     * ({@code extensions.disable-rules}). The one place a node's rule folders are resolved.
     */
    public static Sources sources(ProfileSpec profile, NodeConfig c) {
        return new Sources(profile.ruleFolders(), c.extensions().rules(), c.extensions().disableRules());
    }

    /**
     * What a rule set is compiled from.
     *
     * @param shipped  the profile's folders, in load order
     * @param site     the site's folders, loaded after them; their rules are what {@link #siteChanges()} lists
     * @param disabled the rules of the shipped folders that are left out
     */
    public record Sources(List<Path> shipped, List<Path> site, List<Extensions.DisabledRule> disabled) {
        public Sources {
            shipped = List.copyOf(shipped);
            site = List.copyOf(site);
            disabled = List.copyOf(disabled);
        }

        /** Every folder, in load order. */
        public List<Path> folders() {
            List<Path> all = new ArrayList<>(shipped);
            all.addAll(site);
            return all;
        }
    }

    /** A place in a file: {@code FILE:LINE}. */
    public record Where(Path file, int line) {
        @Override
        public String toString() {
            return line > 0 ? file + ":" + line : file.toString();
        }
    }

    /**
     * One way the site's rules differ from the shipped set.
     *
     * @param kind    replaced, disabled or added
     * @param rule    the rule's name
     * @param shipped where the shipped rule is (null for an added one)
     * @param site    where the site's rule is, or for a disabled one the entry of
     *                {@code extensions.disable-rules}
     */
    public record SiteChange(Kind kind, String rule, Where shipped, Where site) {
        public enum Kind { REPLACED, DISABLED, ADDED }

        /** One line of {@code tandem check}. */
        @Override
        public String toString() {
            return switch (kind) {
                case REPLACED -> "replaced \"" + rule + "\": " + shipped + " -> " + site;
                case DISABLED -> "disabled \"" + rule + "\": " + shipped + " (" + site + ")";
                case ADDED -> "added \"" + rule + "\": " + site;
            };
        }
    }

    /** The rules of every DRL file in the folders, all of them counted as shipped. */
    public static RuleSet compile(List<Path> folders) {
        return compile(new Sources(folders, List.of(), List.of()));
    }

    /**
     * Compiles every DRL file in the folders (sorted by name within a folder). A rule of a site folder
     * replaces the rule of the same name of an earlier folder; the disabled rules are left out.
     *
     * @throws RulesException listing every problem as {@code FILE:LINE: message}: missing folders,
     *                        unreadable files, syntax and semantic errors, two rules of one name that are
     *                        not a site rule replacing an earlier one, a disabled rule no shipped file has
     *                        (at its line in the config)
     */
    public static RuleSet compile(Sources sources) {
        List<String> problems = new ArrayList<>();
        Map<String, Path> byVirtualPath = new LinkedHashMap<>();
        List<RuleSources.Source> read = new ArrayList<>();
        List<Path> folders = sources.folders();
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
                    try {
                        read.add(new RuleSources.Source(f, folderIndex, Files.readString(f)));
                    } catch (IOException ex) {
                        problems.add(f + ": cannot read: " + ex.getMessage());
                    }
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
        // the shipped folders alone are compiled as they are (Drools itself refuses a name used twice)
        Outline outline = sources.site().isEmpty() && sources.disabled().isEmpty() ? new Outline(List.of(), List.of())
                : outline(read, sources, problems);
        if (!problems.isEmpty()) {
            throw new RulesException(problems);
        }
        Map<Path, RuleSources.Source> byFile = RuleSources.byFile(read);
        KieServices ks = KieServices.Factory.get();
        ReleaseId releaseId = ks.newReleaseId("tandem", "rules-" + BUILDS.incrementAndGet(), "1.0.0");
        KieFileSystem kfs = ks.newKieFileSystem();
        kfs.generateAndWritePomXML(releaseId);
        for (Map.Entry<String, Path> e : byVirtualPath.entrySet()) {
            kfs.write(e.getKey(), byFile.get(e.getValue()).compiledText());
        }
        KieBuilder builder = ks.newKieBuilder(kfs).buildAll(DrlProject.class);
        List<Message> errors = builder.getResults().getMessages(Message.Level.ERROR);
        Map<String, Integer> occurrences = new HashMap<>();
        for (Message m : errors) {
            // the parser's summary of a file it already reported errors for tells the user nothing new
            boolean echo = m.getText() != null && m.getText().contains("Parser returned a null Package")
                    && errors.stream().anyMatch(o -> o != m && Objects.equals(o.getPath(), m.getPath()));
            if (!echo) {
                problems.add(describe(m, byVirtualPath, byFile, occurrences));
            }
        }
        if (!problems.isEmpty()) {
            throw new RulesException(problems);
        }
        KieBase kb = ks.newKieContainer(releaseId).getKieBase();
        return new RuleSet(kb, byVirtualPath, outline.changes(), outline.warnings());
    }

    /** What the site changed and what looks doubled, once the rules left out are known. */
    private record Outline(List<SiteChange> changes, List<String> warnings) {
    }

    /**
     * Decides which rules are compiled when the site has rule folders or disables rules: the last of
     * each name (folders in load order), never a disabled one; lists the site's changes against the
     * shipped folders and warns of two rules that make the same decision from the same facts.
     */
    private static Outline outline(List<RuleSources.Source> read, Sources sources, List<String> problems) {
        int shippedFolders = sources.shipped().size();
        Map<Path, RuleSources.Source> byFile = RuleSources.byFile(read);
        Map<String, List<RuleSources.Rule>> byName = RuleSources.byName(read);
        List<SiteChange> changes = new ArrayList<>();
        for (Map.Entry<String, List<RuleSources.Rule>> e : byName.entrySet()) {
            List<RuleSources.Rule> all = e.getValue();
            for (int i = 1; i < all.size(); i++) {
                RuleSources.Rule earlier = all.get(i - 1);
                RuleSources.Rule later = all.get(i);
                if (earlier.folder() == later.folder() || later.folder() <= shippedFolders) {
                    problems.add(later.where() + ": rule \"" + e.getKey() + "\" is also in " + earlier.where()
                            + "; only a rule of a later site folder replaces a rule of its name");
                }
            }
            for (int i = 0; i < all.size() - 1; i++) {
                byFile.get(all.get(i).file()).leaveOut(all.get(i));
            }
            RuleSources.Rule last = all.get(all.size() - 1);
            if (last.folder() > shippedFolders) {
                Optional<RuleSources.Rule> shipped = all.stream().filter(r -> r.folder() <= shippedFolders).findFirst();
                changes.add(shipped.map(s -> new SiteChange(SiteChange.Kind.REPLACED, e.getKey(), s.where(), last.where()))
                        .orElseGet(() -> new SiteChange(SiteChange.Kind.ADDED, e.getKey(), null, last.where())));
            }
        }
        for (Extensions.DisabledRule d : sources.disabled()) {
            List<RuleSources.Rule> named = byName.getOrDefault(d.rule(), List.of());
            Optional<RuleSources.Rule> shipped = named.stream().filter(r -> r.folder() <= shippedFolders).findFirst();
            Optional<RuleSources.Rule> site = named.stream().filter(r -> r.folder() > shippedFolders).findFirst();
            if (shipped.isEmpty() && site.isPresent()) {
                problems.add(d.error("rule \"" + d.rule() + "\" is a site rule (" + site.get().where()
                        + "); remove it there instead").toString());
            } else if (shipped.isEmpty()) {
                List<String> names = byName.entrySet().stream()
                        .filter(x -> x.getValue().stream().anyMatch(r -> r.folder() <= shippedFolders))
                        .map(Map.Entry::getKey).toList();
                problems.add(d.error("no shipped rule is named \"" + d.rule() + "\"" + Suggest.closest(d.rule(), names)
                        .map(n -> "; did you mean \"" + n + "\"?").orElse("")).toString());
            } else if (site.isPresent()) {
                problems.add(d.error("rule \"" + d.rule() + "\" is replaced in " + site.get().where()
                        + " and disabled here; keep one of the two").toString());
            } else {
                named.forEach(r -> byFile.get(r.file()).leaveOut(r));
                changes.add(new SiteChange(SiteChange.Kind.DISABLED, d.rule(), shipped.get().where(),
                        new Where(Path.of(d.file()), d.line())));
            }
        }
        changes.sort(java.util.Comparator.comparing(SiteChange::kind));
        List<String> warnings = new ArrayList<>();
        Map<String, RuleSources.Rule> decisions = new HashMap<>();
        for (RuleSources.Source s : read) {
            for (RuleSources.Rule r : s.rules()) {
                if (!s.compiles(r)) {
                    continue;
                }
                RuleSources.Rule same = decisions.putIfAbsent(r.when() + "\n--then--\n" + r.then(), r);
                if (same != null) {
                    warnings.add(r.where() + ": warning: rule \"" + r.name() + "\" makes the same decision from the same"
                            + " facts as rule \"" + same.name() + "\" (" + same.where() + ")");
                }
            }
        }
        return new Outline(changes, warnings);
    }

    private static String describe(Message m, Map<String, Path> byVirtualPath, Map<Path, RuleSources.Source> byFile,
                                   Map<String, Integer> occurrences) {
        Path file = m.getPath() == null ? null
                : byVirtualPath.getOrDefault(m.getPath(), byVirtualPath.get("src/main/resources/" + m.getPath()));
        String where = file == null ? (m.getPath() == null ? "rules" : m.getPath()) : file.toString();
        String text = m.getText() == null ? "" : m.getText().strip().replaceAll("\\s*\\n\\s*", " ")
                .replaceFirst("^\\[ERR \\d+\\] Line \\d+:\\d+ ", "");
        if (m.getLine() > 0) {
            return where + ":" + m.getLine() + ": " + text;
        }
        // MVEL's errors (Unable to Analyse Expression ...) come without a line: find the expression
        String expression = RuleSources.expressionOf(m.getText());
        if (file != null && expression != null) {
            int nth = occurrences.merge(file + "\n" + expression, 1, Integer::sum) - 1;
            Optional<RuleSources.Located> found = RuleSources.locate(byFile.get(file), m.getText(), nth);
            if (found.isPresent()) {
                String said = text.replaceFirst("\\s*\\[Near : \\{.*$", "");
                return where + ":" + found.get().line() + ": " + said + " (rule \"" + found.get().rule().name() + "\")";
            }
        }
        return where + ": " + text;
    }
}

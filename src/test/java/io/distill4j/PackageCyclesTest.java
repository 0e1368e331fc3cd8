package io.distill4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.spi.ToolProvider;
import org.junit.jupiter.api.Test;

/**
 * No cycles between distill4j's packages: the JDK's jdeps reads the compiled classes, and every
 * strongly connected group of packages other than the known ones below (none) fails the test, naming the
 * class dependencies that close it.
 */
class PackageCyclesTest {

    /**
     * Cycles allowed for now, each with the reason; none is left since the dataset seam of issue 20
     * ({@code data.DatasetFormat}) took the Cityscapes label mapping out of {@code data}.
     */
    private static final Set<Set<String>> KNOWN = Set.of();

    @Test
    void packagesOfTheMainCodeFormNoNewCycle() {
        Path classes = Path.of("target", "classes");
        assertTrue(Files.isDirectory(classes.resolve("io/distill4j")), "compile first: no " + classes);
        Map<String, Map<String, Set<String>>> deps = classDependencies(classes);
        List<String> problems = new ArrayList<>();
        for (Set<String> cycle : cycles(packageGraph(deps))) {
            if (KNOWN.contains(cycle)) continue;
            StringBuilder why = new StringBuilder("cycle " + cycle + ":");
            for (String from : cycle) {
                for (Map.Entry<String, Set<String>> e :
                        deps.getOrDefault(from, Map.of()).entrySet()) {
                    if (cycle.contains(e.getKey()))
                        why.append("\n  ")
                                .append(from)
                                .append(" -> ")
                                .append(e.getKey())
                                .append(" ")
                                .append(e.getValue());
                }
            }
            problems.add(why.toString());
        }
        assertEquals(List.of(), problems, String.join("\n", problems));
    }

    @Test
    void theCycleSearchFindsACycleAndOnlyThat() {
        Map<String, Set<String>> g = new HashMap<>();
        g.put("a", Set.of("b"));
        g.put("b", Set.of("c"));
        g.put("c", Set.of("a", "d"));
        g.put("d", Set.of());
        assertEquals(List.of(Set.of("a", "b", "c")), cycles(g));
        g.put("c", Set.of("d"));
        assertEquals(List.of(), cycles(g));
    }

    /** package -> package it uses -> the class pairs ("A->B") behind that edge, from jdeps. */
    private static Map<String, Map<String, Set<String>>> classDependencies(Path classes) {
        ToolProvider jdeps =
                ToolProvider.findFirst("jdeps").orElseThrow(() -> new AssertionError("no jdeps in this JDK"));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int rc = jdeps.run(new PrintWriter(out), new PrintWriter(err), "-verbose:class", classes.toString());
        assertEquals(0, rc, "jdeps failed: " + err);
        Map<String, Map<String, Set<String>>> deps = new TreeMap<>();
        for (String line : out.toString().split("\n")) {
            String[] p = line.trim().split("\\s+");
            if (p.length < 3
                    || !p[1].equals("->")
                    || !p[0].startsWith("io.distill4j.")
                    || !p[2].startsWith("io.distill4j.")) continue;
            String from = packageOf(p[0]);
            String to = packageOf(p[2]);
            if (from.equals(to)) continue;
            deps.computeIfAbsent(from, k -> new TreeMap<>())
                    .computeIfAbsent(to, k -> new TreeSet<>())
                    .add(simpleName(p[0]) + "->" + simpleName(p[2]));
        }
        return deps;
    }

    private static Map<String, Set<String>> packageGraph(Map<String, Map<String, Set<String>>> deps) {
        Map<String, Set<String>> g = new HashMap<>();
        deps.forEach((from, to) -> g.put(from, to.keySet()));
        return g;
    }

    private static String packageOf(String className) {
        return className.substring(0, className.lastIndexOf('.'));
    }

    private static String simpleName(String className) {
        return className.substring(className.lastIndexOf('.') + 1);
    }

    /** The strongly connected groups of more than one package (Tarjan's algorithm). */
    static List<Set<String>> cycles(Map<String, Set<String>> graph) {
        return new Tarjan(graph).run();
    }

    private static final class Tarjan {
        private final Map<String, Set<String>> graph;
        private final Map<String, Integer> index = new HashMap<>();
        private final Map<String, Integer> low = new HashMap<>();
        private final List<String> stack = new ArrayList<>();
        private final List<Set<String>> found = new ArrayList<>();

        Tarjan(Map<String, Set<String>> graph) {
            this.graph = graph;
        }

        List<Set<String>> run() {
            for (String v : new TreeSet<>(graph.keySet())) if (!index.containsKey(v)) visit(v);
            return found;
        }

        private void visit(String v) {
            index.put(v, index.size());
            low.put(v, index.get(v));
            stack.add(v);
            for (String w : graph.getOrDefault(v, Set.of())) {
                if (!index.containsKey(w)) {
                    visit(w);
                    low.put(v, Math.min(low.get(v), low.get(w)));
                } else if (stack.contains(w)) {
                    low.put(v, Math.min(low.get(v), index.get(w)));
                }
            }
            if (low.get(v).equals(index.get(v))) {
                Set<String> group = new TreeSet<>();
                String w;
                do {
                    w = stack.remove(stack.size() - 1);
                    group.add(w);
                } while (!w.equals(v));
                if (group.size() > 1) found.add(group);
            }
        }
    }
}

package io.distill4j.config;

import com.typesafe.config.Config;
import io.distill4j.method.AttentionTransfer;
import io.distill4j.method.ChannelWise;
import io.distill4j.method.CrossKd;
import io.distill4j.method.DarkRank;
import io.distill4j.method.DistillMethod;
import io.distill4j.method.HolisticDistillation;
import io.distill4j.method.LayerwiseMutualContrastive;
import io.distill4j.method.MethodOptions;
import io.distill4j.method.MethodTerm;
import io.distill4j.method.MutualContrastive;
import io.distill4j.method.MutualLearning;
import io.distill4j.method.PairwiseSimilarity;
import io.distill4j.method.PixelKd;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * One distillation term of a student run: which method, on which student tap against which teacher
 * output, with its weight and temperature, and the method's own options (its defaults when the term
 * sets none; {@link MethodOptions#NONE} for a method that has none).
 */
public record DistillTerm(
        Kind kind, String studentTap, String teacherOutput, double weight, double tau, MethodOptions options)
        implements MethodTerm, java.io.Serializable {
    public DistillTerm {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(options, "options (MethodOptions.NONE for a method without any)");
    }

    /** A term with its method's default options. */
    public DistillTerm(Kind kind, String studentTap, String teacherOutput, double weight, double tau) {
        this(kind, studentTap, teacherOutput, weight, tau, kind.method().defaultOptions());
    }

    /**
     * The distillation methods, in the order the documentation lists them: the one list a method
     * is registered in.
     */
    public enum Kind {
        PIXEL_KD(new PixelKd()),
        CWD(new ChannelWise()),
        AT(new AttentionTransfer()),
        PAIRWISE(new PairwiseSimilarity()),
        CROSSKD(new CrossKd()),
        MUTUAL(new MutualLearning()),
        MCL(new MutualContrastive()),
        L_MCL(new LayerwiseMutualContrastive()),
        DARKRANK(new DarkRank()),
        HOLISTIC(new HolisticDistillation());

        @SuppressWarnings("ImmutableEnumChecker") // every method is stateless: no fields
        private final DistillMethod method;

        Kind(DistillMethod method) {
            this.method = method;
        }

        public String id() {
            return method.id();
        }

        public DistillMethod method() {
            return method;
        }

        /** Whether the term trains against a peer student instead of a teacher (nothing cached). */
        public boolean teacherFree() {
            return method.teacherFree();
        }

        /** The kind written {@code id} (any case), or null. */
        static Kind byId(String id) {
            for (Kind k : values()) if (k.id().equals(id.toLowerCase(Locale.ROOT))) return k;
            return null;
        }

        static Kind parse(String s, String where) {
            Kind k = byId(s);
            if (k != null) return k;
            throw new ConfigException(where + ".kind: must be one of "
                    + String.join(
                            ", ",
                            java.util.Arrays.stream(values()).map(Kind::id).toList()) + ", got '" + s + "'");
        }
    }

    /** A short name for the graph output and metrics: e.g. "pixel-kd@logits". */
    @Override
    public String outputName() {
        return kind.id() + "@" + studentTap;
    }

    /** This term between other taps with another weight (one pair of a layer-wise term); itself when nothing changes. */
    public DistillTerm withTaps(String studentTap, String teacherOutput, double weight) {
        if (studentTap.equals(this.studentTap) && teacherOutput.equals(this.teacherOutput) && weight == this.weight)
            return this;
        return new DistillTerm(kind, studentTap, teacherOutput, weight, tau, options);
    }

    /** The term's options as the method's own record type. */
    public <O extends MethodOptions> O options(Class<O> type) {
        if (!type.isInstance(options)) {
            throw new IllegalStateException(
                    outputName() + " has no " + type.getSimpleName() + " (it has " + options + ")");
        }
        return type.cast(options);
    }

    static List<DistillTerm> list(Config root, String key) {
        List<DistillTerm> terms = new ArrayList<>();
        List<? extends Config> list;
        try {
            list = root.getConfigList(key);
        } catch (com.typesafe.config.ConfigException e) {
            throw new ConfigException(key + ": expected a list of term objects: " + e.getMessage());
        }
        for (int i = 0; i < list.size(); i++) {
            Config o = list.get(i);
            String where = key + "[" + i + "]";
            Set<String> keys = new HashSet<>(Set.of("kind", "student-tap", "teacher-output", "weight", "tau"));
            // Before the kind is validated: an unknown kind allows the common keys only.
            Kind declared =
                    o.hasPath("kind") && o.getValue("kind").unwrapped() instanceof String k ? Kind.byId(k) : null;
            if (declared != null) keys.addAll(declared.method().optionKeys());
            ObjectKeys.check(o, where, keys);
            try {
                double weight = o.getDouble("weight");
                double tau = o.hasPath("tau") ? o.getDouble("tau") : 1.0;
                if (!(weight >= 0)) throw new ConfigException(where + ".weight: must be >= 0, got " + weight);
                if (!(tau > 0)) throw new ConfigException(where + ".tau: must be > 0, got " + tau);
                Kind kind = Kind.parse(o.getString("kind"), where);
                String studentTap = o.getString("student-tap");
                String teacherOutput = o.getString("teacher-output");
                MethodOptions options;
                try {
                    options = kind.method().readOptions(o, where);
                } catch (IllegalArgumentException e) {
                    throw new ConfigException(e.getMessage());
                }
                terms.add(new DistillTerm(kind, studentTap, teacherOutput, weight, tau, options));
            } catch (com.typesafe.config.ConfigException e) {
                throw new ConfigException(where + ": " + e.getMessage());
            }
        }
        return List.copyOf(terms);
    }
}

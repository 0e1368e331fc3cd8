package io.distill4j.config;

import com.typesafe.config.Config;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * One distillation term of a student run: which loss, on which student tap against which teacher
 * output, with its weight and temperature; a {@code darkrank} term also carries its
 * {@link DarkRankOptions}, a {@code holistic} term its {@link HolisticOptions} and an {@code l-mcl}
 * term its {@link LayerWeightOptions} (the other kinds carry the defaults, unused).
 */
public record DistillTerm(Kind kind, String studentTap, String teacherOutput, double weight, double tau,
                          DarkRankOptions darkRank, HolisticOptions holistic, LayerWeightOptions layerWeights)
        implements java.io.Serializable {
    public DistillTerm {
        java.util.Objects.requireNonNull(darkRank, "darkRank options (DarkRankOptions.DEFAULTS for other kinds)");
        java.util.Objects.requireNonNull(holistic, "holistic options (HolisticOptions.DEFAULTS for other kinds)");
        java.util.Objects.requireNonNull(layerWeights, "layer-weight options (LayerWeightOptions.DEFAULTS for other kinds)");
    }

    /** A term with darkrank and holistic settings and uniform l-mcl layer weights. */
    public DistillTerm(Kind kind, String studentTap, String teacherOutput, double weight, double tau,
                       DarkRankOptions darkRank, HolisticOptions holistic) {
        this(kind, studentTap, teacherOutput, weight, tau, darkRank, holistic, LayerWeightOptions.DEFAULTS);
    }

    /** An l-mcl term with its layer-weight settings. */
    public DistillTerm(Kind kind, String studentTap, String teacherOutput, double weight, double tau,
                       LayerWeightOptions layerWeights) {
        this(kind, studentTap, teacherOutput, weight, tau, DarkRankOptions.DEFAULTS, HolisticOptions.DEFAULTS, layerWeights);
    }

    /** A term of any kind with the default darkrank and holistic settings. */
    public DistillTerm(Kind kind, String studentTap, String teacherOutput, double weight, double tau) {
        this(kind, studentTap, teacherOutput, weight, tau, DarkRankOptions.DEFAULTS, HolisticOptions.DEFAULTS);
    }

    /** A darkrank term with its settings. */
    public DistillTerm(Kind kind, String studentTap, String teacherOutput, double weight, double tau, DarkRankOptions darkRank) {
        this(kind, studentTap, teacherOutput, weight, tau, darkRank, HolisticOptions.DEFAULTS);
    }

    /** A holistic term with its critic settings. */
    public DistillTerm(Kind kind, String studentTap, String teacherOutput, double weight, double tau, HolisticOptions holistic) {
        this(kind, studentTap, teacherOutput, weight, tau, DarkRankOptions.DEFAULTS, holistic);
    }

    /** The loss families wired into the student graph. */
    public enum Kind {
        PIXEL_KD("pixel-kd"), CWD("cwd"), AT("at"), PAIRWISE("pairwise"),
        /** CrossKD: the teacher's layers after its tap of the student-tap's name, frozen, fed by the student. */
        CROSSKD("crosskd"),
        /** Deep mutual learning: a peer student trained in the same graph; no teacher, nothing cached. */
        MUTUAL("mutual"),
        /**
         * Mutual contrastive learning (Yang et al. 2022): a peer student as for {@link #MUTUAL}, and
         * contrastive terms between the student's projected student-tap and the peer's projected
         * tap named by teacher-output (the peer plays the teacher's part).
         */
        MCL("mcl"),
        /**
         * Layer-wise MCL (Yang et al. 2023): student-tap and teacher-output list taps separated by
         * commas; every (student tap, peer tap) pair gets an MCL term of weight / pairs, its anchors
         * weighted uniformly or by meta-learned weights ({@link LayerWeightOptions}).
         */
        L_MCL("l-mcl"),
        /** DarkRank: the teacher's ranking of the other images of the minibatch around each image. */
        DARKRANK("darkrank"),
        /**
         * Holistic distillation (Liu et al. 2019): a Wasserstein critic, trained between epochs on
         * teacher maps (real) and student maps (fake), scores the student's segmentation map.
         */
        HOLISTIC("holistic");

        private final String id;

        Kind(String id) {
            this.id = id;
        }

        public String id() {
            return id;
        }

        /** Whether the term trains against a peer student instead of a teacher (nothing cached). */
        public boolean teacherFree() {
            return this == MUTUAL || this == MCL || this == L_MCL;
        }

        /** Whether the term contrasts projected embeddings of the student and its peer. */
        public boolean contrastive() {
            return this == MCL || this == L_MCL;
        }

        static Kind parse(String s, String where) {
            for (Kind k : values()) if (k.id.equals(s.toLowerCase(Locale.ROOT))) return k;
            throw new ConfigException(where + ".kind: must be one of "
                    + String.join(", ", java.util.Arrays.stream(values()).map(Kind::id).toList()) + ", got '" + s + "'");
        }
    }

    /** A short name for the graph output and metrics: e.g. "pixel-kd@logits". */
    public String outputName() {
        return kind.id + "@" + studentTap;
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
            Set<String> keys = new java.util.HashSet<>(Set.of("kind", "student-tap", "teacher-output", "weight", "tau"));
            boolean darkRank = hasKind(o, Kind.DARKRANK);
            if (darkRank) keys.addAll(DarkRankOptions.KEYS);
            boolean holistic = hasKind(o, Kind.HOLISTIC);
            if (holistic) keys.addAll(HolisticOptions.KEYS);
            boolean layerWise = hasKind(o, Kind.L_MCL);
            if (layerWise) keys.addAll(LayerWeightOptions.KEYS);
            ObjectKeys.check(o, where, keys);
            try {
                double weight = o.getDouble("weight");
                double tau = o.hasPath("tau") ? o.getDouble("tau") : 1.0;
                if (!(weight >= 0)) throw new ConfigException(where + ".weight: must be >= 0, got " + weight);
                if (!(tau > 0)) throw new ConfigException(where + ".tau: must be > 0, got " + tau);
                terms.add(new DistillTerm(Kind.parse(o.getString("kind"), where), o.getString("student-tap"),
                        o.getString("teacher-output"), weight, tau,
                        darkRank ? DarkRankOptions.read(o, where) : DarkRankOptions.DEFAULTS,
                        holistic ? HolisticOptions.read(o, where) : HolisticOptions.DEFAULTS,
                        layerWise ? LayerWeightOptions.read(o, where) : LayerWeightOptions.DEFAULTS));
            } catch (com.typesafe.config.ConfigException e) {
                throw new ConfigException(where + ": " + e.getMessage());
            }
        }
        return List.copyOf(terms);
    }

    /** Whether the term object's kind is {@code kind} (before the kind is validated: unknown reads as none). */
    private static boolean hasKind(Config o, Kind kind) {
        return o.hasPath("kind") && o.getValue("kind").unwrapped() instanceof String k
                && k.toLowerCase(Locale.ROOT).equals(kind.id());
    }
}

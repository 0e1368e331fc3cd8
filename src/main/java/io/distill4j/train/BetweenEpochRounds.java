package io.distill4j.train;

import io.distill4j.config.TrainSettings;
import io.distill4j.method.DriverRound;
import java.util.LinkedHashSet;
import java.util.Set;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * The driver round between epochs that the objective's methods declare ({@link DriverRound}), or
 * null when none does. Holistic and (l-)mcl terms cannot be combined (mcl refuses teacher terms),
 * so a run holds at most one kind of round.
 */
public final class BetweenEpochRounds {
    private BetweenEpochRounds() {}

    public static SparkTrainer.BetweenEpochs of(
            JavaSparkContext sc, RunDirectory run, TrainingObjective objective, TrainSettings settings) {
        if (!(objective instanceof SegmentationObjective so)) return null;
        Set<DriverRound> rounds = new LinkedHashSet<>();
        for (SegmentationObjective.Term t : so.terms())
            rounds.add(t.method().round(t.term().options()));
        rounds.remove(DriverRound.NONE);
        if (rounds.size() > 1) {
            throw new IllegalArgumentException(
                    "distill.terms: the terms need driver rounds " + rounds + "; one run trains " + "one of them");
        }
        if (rounds.isEmpty()) return null;
        return switch (rounds.iterator().next()) {
            case CRITIC -> new HolisticCriticRounds(sc, run, so, settings);
            case META_WEIGHTS -> new MetaWeightRounds(sc, run, so, settings);
            case NONE -> null;
        };
    }
}

package io.distill4j.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException.Missing;
import com.typesafe.config.ConfigException.WrongType;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The teacher cache: where, which splits, which outputs with which codec.
 *
 * @param viewsPerSample 0: the teacher's outputs on the whole image (the identity view); K &gt; 0: on K
 *                       views per sample drawn with train.augment from {@code viewSeed}
 */
public record CacheSettings(
        String output,
        List<String> splits,
        List<Output> outputs,
        int batchSize,
        String compression,
        int viewsPerSample,
        long viewSeed) {
    /** One cached teacher output: "logits" or a tap name, and its codec spec (fp32, fp16, int8, topk:K). */
    public record Output(String name, String codec) {}

    static CacheSettings from(Keys k, Config root) {
        List<Output> outs = new ArrayList<>();
        String key = "distill4j.cache.outputs";
        List<? extends Config> list;
        try {
            list = root.getConfigList(key);
        } catch (WrongType e) {
            throw new ConfigException(key + ": expected a list of {name, codec} objects ("
                    + e.origin().description() + ")");
        }
        for (int i = 0; i < list.size(); i++) {
            Config o = list.get(i);
            String where = key + "[" + i + "]";
            ObjectKeys.check(o, where, Set.of("name", "codec"));
            try {
                String codec = o.getString("codec");
                if (!codec.matches("fp32|fp16|int8|topk:[1-9][0-9]*")) {
                    throw new ConfigException(where + ".codec: must be fp32, fp16, int8 or topk:K, got '" + codec
                            + "' (" + o.origin().description() + ")");
                }
                outs.add(new Output(o.getString("name"), codec));
            } catch (Missing | WrongType e) {
                throw new ConfigException(where + ": " + e.getMessage());
            }
        }
        if (outs.isEmpty()) throw new ConfigException(key + ": must name at least one output");
        return new CacheSettings(
                k.nonEmpty("output"),
                k.strings("splits"),
                List.copyOf(outs),
                k.intIn("batch-size", 1, 4096),
                k.oneOf("compression", "zstd", "snappy", "uncompressed"),
                k.intIn("views-per-sample", 0, 1024),
                k.longIn("view-seed", Long.MIN_VALUE, Long.MAX_VALUE));
    }
}

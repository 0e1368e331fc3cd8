package io.distill4j.config;

import java.util.Map;

/**
 * How the embedded or submitted Spark application is set up.
 *
 * @param master      master for embedded runs; ignored when spark-submit already set one
 * @param appName     application name shown in the Spark UI
 * @param serializer  "kryo" (with ND4J's Kryo registrator, as DL4J requires) or "java"
 * @param ui          whether embedded runs start the web UI
 * @param extra       further Spark settings passed through verbatim
 */
public record SparkSettings(String master, String appName, String serializer, boolean ui, Map<String, String> extra) {
    static SparkSettings from(Keys k) {
        return new SparkSettings(k.nonEmpty("master"), k.nonEmpty("app-name"), k.oneOf("serializer", "kryo", "java"),
                k.bool("ui"), k.stringMap("conf"));
    }
}

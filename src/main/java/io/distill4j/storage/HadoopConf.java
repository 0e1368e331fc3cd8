package io.distill4j.storage;

import java.io.Serializable;
import java.util.HashMap;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;

/**
 * A serializable snapshot of the Hadoop settings a job needs on its executors (file-system
 * endpoints, s3a options). Hadoop's {@link Configuration} is not {@link Serializable}, and closures
 * that open files on executors must carry the driver's settings with them.
 */
public final class HadoopConf implements Serializable {
    private static final long serialVersionUID = 1L;
    private final HashMap<String, String> settings;
    private transient Configuration cached;

    public HadoopConf(Map<String, String> settings) {
        this.settings = new HashMap<>(settings);
    }

    /** Captures every setting of a live configuration (e.g. Spark's hadoopConfiguration()). */
    public static HadoopConf of(Configuration conf) {
        Map<String, String> m = new HashMap<>();
        for (Map.Entry<String, String> e : conf) m.put(e.getKey(), e.getValue());
        return new HadoopConf(m);
    }

    /** A Hadoop configuration carrying these settings on top of the defaults. */
    public synchronized Configuration get() {
        if (cached == null) {
            Configuration c = new Configuration();
            settings.forEach(c::set);
            cached = c;
        }
        return cached;
    }
}

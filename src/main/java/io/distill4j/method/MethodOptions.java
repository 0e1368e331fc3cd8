package io.distill4j.method;

import java.io.Serializable;

/**
 * The settings of one distillation term beyond the common kind, taps, weight and tau: a record
 * per method that has any, read and validated by that method, recorded in the run manifest.
 */
public interface MethodOptions extends Serializable {
    /** The options of a method that has none (not recorded in the manifest). */
    MethodOptions NONE = NoOptions.INSTANCE;

    /** The singleton behind {@link #NONE}: an enum, so it stays one instance after serialisation. */
    enum NoOptions implements MethodOptions {
        INSTANCE
    }
}

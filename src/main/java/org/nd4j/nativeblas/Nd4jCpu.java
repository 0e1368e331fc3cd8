package org.nd4j.nativeblas;

/**
 * Compatibility shim for DL4J 1.0.0-M2's oneDNN layer helpers. It lives in a foreign package on
 * purpose: {@code org.deeplearning4j.nn.layers.mkldnn.BaseMKLDNNHelper} looks up
 * {@code org.nd4j.nativeblas.Nd4jCpu$Environment} by reflection and calls
 * {@code getInstance().isUseMKLDNN()}, but M2 moved the native bindings to
 * {@code org.nd4j.linalg.cpu.nativecpu.bindings.Nd4jCpu} and renamed the flag to
 * {@code isUseONEDNN()}. Without this class every oneDNN helper reports "not supported" and DL4J
 * silently falls back to its much slower im2col convolution (docs/stack.md, Speed).
 *
 * <p>The shim only forwards to the real native flag: on an ND4J build without oneDNN it answers
 * {@code false} and the helpers stay off. {@code io.distill4j.util.NativeSetupTest} fails if this
 * lookup stops working.
 */
public final class Nd4jCpu {

    private Nd4jCpu() {}

    /** The nested name DL4J's reflection expects: {@code org.nd4j.nativeblas.Nd4jCpu$Environment}. */
    public static final class Environment {

        private static final Environment INSTANCE = new Environment();

        private Environment() {}

        public static Environment getInstance() {
            return INSTANCE;
        }

        /**
         * Whether the loaded libnd4j was built with oneDNN and has it switched on. Reached by
         * reflection so that this class also compiles against the CUDA backend (mvn -Pcuda), where
         * the CPU bindings are absent and the answer is false.
         */
        public boolean isUseMKLDNN() {
            try {
                Class<?> env = Class.forName("org.nd4j.linalg.cpu.nativecpu.bindings.Nd4jCpu$Environment");
                Object instance = env.getMethod("getInstance").invoke(null);
                return (Boolean) env.getMethod("isUseONEDNN").invoke(instance);
            } catch (ClassNotFoundException e) {
                return false;
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException("ND4J's CPU Environment changed: " + e, e);
            }
        }
    }
}

/**
 * Process-wide native set-up: which ND4J native build is loaded (oneDNN), whether DL4J's oneDNN
 * layer helpers are used, and how many threads ND4J may use. Every entry point calls
 * {@link io.distill4j.util.NativeSetup#init()} first.
 */
package io.distill4j.util;

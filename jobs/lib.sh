# Shared by every script in jobs/: builds distill4j when needed and launches a subcommand,
# through spark-submit (SPARK_HOME or --master given) or on an embedded local Spark.
# shellcheck shell=bash

DISTILL4J_HOME="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TARGET="$DISTILL4J_HOME/target"

log() { printf '[distill4j] %s\n' "$*" >&2; }

# Builds target/distill4j.jar and target/classpath.txt when missing or older than the sources.
ensure_built() {
  local jar="$TARGET/distill4j.jar"
  if [[ -f "$jar" && -f "$TARGET/classpath.txt" ]] &&
     [[ -z "$(find "$DISTILL4J_HOME/src/main" "$DISTILL4J_HOME/pom.xml" -newer "$jar" -print -quit)" ]]; then
    return 0
  fi
  log "building distill4j (first run downloads dependencies; later runs are quick)"
  (cd "$DISTILL4J_HOME" && mvn -B -q -DskipTests package) || { log "build failed"; exit 1; }
}

# Builds the shaded jar that spark-submit ships to a cluster.
ensure_shaded() {
  local jar="$TARGET/distill4j-shaded.jar"
  if [[ -f "$jar" ]] && [[ -z "$(find "$DISTILL4J_HOME/src/main" "$DISTILL4J_HOME/pom.xml" -newer "$jar" -print -quit)" ]]; then
    return 0
  fi
  log "building the shaded jar for spark-submit"
  (cd "$DISTILL4J_HOME" && mvn -B -q -DskipTests -Pshade package) || { log "shaded build failed"; exit 1; }
}

# The Java 17 --add-opens list, kept once in pom.xml (property java17.opens).
jvm_opens() { cat "$TARGET/classes/distill4j-jvm.options"; }

# The driver JVM's options, in JVM_OPTIONS: -Xmx from DISTILL4J_HEAP (default 6g; a java heap size
# such as 12g or 8192m), then JAVA_OPTS and DISTILL4J_JAVA_OPTS word by word, kept as given (the JVM
# takes the last -Xmx, so one in them still wins). Returns 2 with one line for a malformed size.
# -XX:MaxNewSize=256m: collect the garbage that owns ND4J's native memory within seconds, as executors
# do (SparkSessions.YOUNG_GENERATION_CAP; docs/performance.md section 15, "Long runs"); a later
# -XX:MaxNewSize or -Xmn in JAVA_OPTS or DISTILL4J_JAVA_OPTS wins.
jvm_options() {
  local heap="${DISTILL4J_HEAP:-6g}"
  if [[ ! "$heap" =~ ^[0-9]+[kKmMgGtT]?$ ]]; then
    log "DISTILL4J_HEAP=$heap is not a heap size such as 6g, 12g or 8192m"
    return 2
  fi
  JVM_OPTIONS=("-Xmx$heap" "-XX:MaxNewSize=256m")
  # shellcheck disable=SC2206
  JVM_OPTIONS+=(${JAVA_OPTS:-} ${DISTILL4J_JAVA_OPTS:-})
}

# run_distill4j SUBCOMMAND [args...]: --master M (anywhere in args) or SPARK_HOME selects spark-submit.
run_distill4j() {
  local master="" args=()
  while [[ $# -gt 0 ]]; do
    case "$1" in
      --master) master="$2"; shift 2 ;;
      --master=*) master="${1#--master=}"; shift ;;
      *) args+=("$1"); shift ;;
    esac
  done
  jvm_options || exit 2
  ensure_built
  # OpenMP threads that spin at barriers starve each other when Spark runs several tasks (or other
  # processes share the cores): passive waiting was 15-40x faster at load 13-15 (docs/performance.md).
  # It has to be in the environment before the JVM loads ND4J; executors get it from SparkSessions.
  export OMP_WAIT_POLICY="${OMP_WAIT_POLICY:-PASSIVE}"
  local opens; opens="$(jvm_opens)"
  if [[ -n "$master" || -n "${SPARK_HOME:-}" ]]; then
    [[ -n "${SPARK_HOME:-}" ]] || { log "--master needs SPARK_HOME (a Spark 3.5 installation) to find spark-submit"; exit 2; }
    ensure_shaded
    local submit=("$SPARK_HOME/bin/spark-submit" --class io.distill4j.cli.Main
      --conf "spark.driver.extraJavaOptions=$opens"
      --conf "spark.executor.extraJavaOptions=$opens")
    [[ -n "$master" ]] && submit+=(--master "$master")
    # The driver's heap is spark-submit's to set; DISTILL4J_HEAP names it when given.
    [[ -n "${DISTILL4J_HEAP:-}" ]] && submit+=(--driver-memory "$DISTILL4J_HEAP")
    # Extra spark-submit options (e.g. "--executor-memory 8g --packages ...") from the environment.
    # shellcheck disable=SC2206
    [[ -n "${DISTILL4J_SUBMIT_ARGS:-}" ]] && submit+=(${DISTILL4J_SUBMIT_ARGS})
    exec "${submit[@]}" "$TARGET/distill4j-shaded.jar" "${args[@]}"
  fi
  # shellcheck disable=SC2086
  exec java "${JVM_OPTIONS[@]}" $opens -Djava.awt.headless=true -Dlog4j2.configurationFile="$DISTILL4J_HOME/jobs/conf/log4j2.properties" \
    -cp "$TARGET/distill4j.jar:$(cat "$TARGET/classpath.txt")" io.distill4j.cli.Main "${args[@]}"
}

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
    # Extra spark-submit options (e.g. "--executor-memory 8g --packages ...") from the environment.
    # shellcheck disable=SC2206
    [[ -n "${DISTILL4J_SUBMIT_ARGS:-}" ]] && submit+=(${DISTILL4J_SUBMIT_ARGS})
    exec "${submit[@]}" "$TARGET/distill4j-shaded.jar" "${args[@]}"
  fi
  # shellcheck disable=SC2086
  exec java ${DISTILL4J_JAVA_OPTS:--Xmx6g} $opens -Djava.awt.headless=true -Dlog4j2.configurationFile="$DISTILL4J_HOME/jobs/conf/log4j2.properties" \
    -cp "$TARGET/distill4j.jar:$(cat "$TARGET/classpath.txt")" io.distill4j.cli.Main "${args[@]}"
}

'use strict';
// The JVM flags docs/integration.md recommends for the reference server ("JVM flags"), which every bench script
// runs world-ws with unless told otherwise: bench/run.js (--java-opts), and ab.sh, churn.sh and alloc-sites.sh
// (JAVA_OPTS, or `node -p "require('./jvm-flags.js').JAVA_OPTS"`). One place, so that a change of the
// recommendation reaches every measurement.
const JAVA_OPTS = '-Xmx1g -XX:+UseG1GC -XX:MaxGCPauseMillis=5 -XX:+UnlockExperimentalVMOptions -XX:G1NewSizePercent=1 -XX:TrimNativeHeapInterval=5000';

module.exports = { JAVA_OPTS };

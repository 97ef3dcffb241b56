'use strict';
// The JVM's stop-the-world pauses from its log, for bench/run.js and bench/ab.sh.
const fs = require('fs');

/** The JVM option (before its file) that logs every pause: G1's and Shenandoah's at `gc`, ZGC's at `gc+phases`. */
const GC_LOG = '-Xlog:gc,gc+phases=info:file=';

/**
 * The pauses in a `GC_LOG` file whose lines are stamped with the JVM's uptime, between two uptimes in seconds: how
 * many, their sum and the longest, in ms. Null when the file cannot be read.
 */
function gcPauses(file, fromSeconds, toSeconds) {
  let text;
  try { text = fs.readFileSync(file, 'utf8'); } catch (e) { return null; }
  let count = 0; let total = 0; let longest = 0;
  for (const line of text.split('\n')) {
    const m = /^\[(\d+\.\d+)s\].* Pause .* (\d+\.\d+)ms$/.exec(line);
    if (!m || Number(m[1]) < fromSeconds || Number(m[1]) > toSeconds) continue;
    const ms = Number(m[2]);
    count++; total += ms; longest = Math.max(longest, ms);
  }
  return { pauses: count, totalMs: Math.round(total * 100) / 100, longestMs: Math.round(longest * 100) / 100 };
}

module.exports = { GC_LOG, gcPauses };

// Preloaded by the bench (`node --import tsx --import ./scripts/bench/peak-rss.ts main.ts`):
// writes the process's peak resident set in bytes to BENCH_PEAK_RSS_FILE when it exits, so the
// bench reads the synth's own peak without a platform tool such as /usr/bin/time.
import { writeFileSync } from "node:fs";

const file = process.env.BENCH_PEAK_RSS_FILE;
if (file) {
  process.on("exit", () => {
    // resourceUsage reports maxRSS in kilobytes.
    writeFileSync(file, String(process.resourceUsage().maxRSS * 1024));
  });
}

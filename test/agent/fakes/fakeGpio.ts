// Fake `gpioset` / `gpioget` (Debian's gpiod, libgpiod 1.6) for the command driver's tests, as
// shell scripts enforcing the documented usage (https://manpages.debian.org/testing/gpiod/gpioset.1.en.html):
// `gpioset [OPTIONS] <chip> <offset>=<value>…`, `--mode=time` needs `--sec` or `--usec` (only valid
// with it); the line keeps its value only while gpioset runs and reverts when it exits;
// `--background` detaches after setting the values. The line's value is kept in a file.
import { chmodSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { tempDir } from "../../helpers/tempDirs.ts";

export type FakeGpio = {
  dir: string;
  gpioset: string;
  gpioget: string;
  line(): string;
  calls(): string[];
  remove(): void;
};

export function makeFakeGpio(chip = "gpiochip0", offset = 17): FakeGpio {
  const dir = tempDir("pp-gpio-");
  const value = path.join(dir, "value");
  const calls = path.join(dir, "calls");
  writeFileSync(value, "0\n");
  writeFileSync(calls, "");
  const gpioset = path.join(dir, "gpioset");
  writeFileSync(
    gpioset,
    `#!/bin/sh
echo "$*" >> '${calls}'
mode=exit; sec=; bg=; chip=; setting=
for a in "$@"; do
  case "$a" in
    --mode=*) mode="\${a#--mode=}";;
    --sec=*) sec="\${a#--sec=}";;
    --background|-b) bg=1;;
    -*) echo "gpioset: unknown option $a" >&2; exit 1;;
    *) if [ -z "$chip" ]; then chip="$a"; else setting="$a"; fi;;
  esac
done
[ "$chip" = "${chip}" ] || { echo "gpioset: error opening gpiochip '$chip'" >&2; exit 1; }
[ "$setting" = "${offset}=1" ] || [ "$setting" = "${offset}=0" ] || { echo "gpioset: invalid offset<->value mapping" >&2; exit 1; }
if [ -n "$sec" ] && [ "$mode" != time ]; then echo "gpioset: can't specify wait time in this mode" >&2; exit 1; fi
if [ "$mode" = time ] && [ -z "$sec" ]; then echo "gpioset: specify wait time" >&2; exit 1; fi
echo "\${setting#*=}" > '${value}'
hold() { if [ "$mode" = time ]; then sleep "$sec"; fi; echo 0 > '${value}'; }
if [ -n "$bg" ]; then (hold) >/dev/null 2>&1 & exit 0; fi
hold
`,
  );
  const gpioget = path.join(dir, "gpioget");
  writeFileSync(
    gpioget,
    `#!/bin/sh
[ "$1" = "${chip}" ] && [ "$2" = "${offset}" ] || { echo "gpioget: invalid arguments" >&2; exit 1; }
cat '${value}'
`,
  );
  chmodSync(gpioset, 0o755);
  chmodSync(gpioget, 0o755);
  return {
    dir,
    gpioset,
    gpioget,
    line: () => readFileSync(value, "utf8").trim(),
    calls: () => readFileSync(calls, "utf8").split("\n").filter(Boolean),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

// Structured logs as JSON lines on stdout (journald keeps them under systemd): one object per
// event, `msg` last, no dependency.
export type Level = "debug" | "info" | "warn" | "error";
const ORDER: Record<Level, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export type AgentLogger = {
  [L in Level]: (fields: Record<string, unknown>, msg: string) => void;
};

export function createAgentLogger(
  level: Level = "info",
  write: (line: string) => void = (l) => process.stdout.write(l),
): AgentLogger {
  const make =
    (l: Level) =>
    (fields: Record<string, unknown>, msg: string): void => {
      if (ORDER[l] < ORDER[level]) return;
      write(`${JSON.stringify({ level: l, time: new Date().toISOString(), ...fields, msg })}\n`);
    };
  return { debug: make("debug"), info: make("info"), warn: make("warn"), error: make("error") };
}

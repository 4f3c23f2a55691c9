// Structured logs (pino). Never log signatures' private material, session tokens or full bodies.
import pino from "pino";

export type Logger = pino.Logger;

export function createLogger(level: string, name = "relayer"): Logger {
  return pino({ name, level, base: { pid: process.pid } });
}

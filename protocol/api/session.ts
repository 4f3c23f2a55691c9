// Sign-In with Ethereum (server/http/routes/auth.ts): nonce, verify, logout, me.
import { z } from "zod";
import { hex, int, unixSeconds } from "./json.ts";

export const nonceAnswer = z.object({ nonce: z.string().regex(/^[0-9a-f]{56}$/) }).meta({ id: "NonceAnswer" });

export const siweVerifyBody = z
  .object({
    message: z.string().min(1).max(4096),
    signature: z
      .string()
      .regex(/^0x([0-9a-fA-F]{2}){1,2048}$/)
      .transform((s) => s as `0x${string}`),
  })
  .meta({ id: "SiweVerifyBody" });

export const signedIn = z.object({ address: hex(20), chainId: int, expiresAt: unixSeconds }).meta({ id: "SignedIn" });

export const me = z
  .object({
    address: hex(20),
    chainId: int,
    expiresAt: unixSeconds,
    operatorOf: z.array(int).meta({ description: "the venues the address operates" }),
  })
  .meta({ id: "Me" });

export const okAnswer = z.object({ ok: z.literal(true) }).meta({ id: "Ok" });

// A SIWE session cookie for server tests: nonce, signed message, verify, the pp_session cookie.
import { privateKeyToAccount } from "viem/accounts";
import { createSiweMessage } from "viem/siwe";

export async function sessionCookie(base: string, key: `0x${string}`, nowS: number): Promise<string> {
  const account = privateKeyToAccount(key);
  const { nonce } = (await (await fetch(`${base}/api/siwe/nonce`)).json()) as { nonce: string };
  const message = createSiweMessage({
    address: account.address,
    domain: "localhost:5173",
    uri: "http://localhost:5173",
    chainId: 31337,
    nonce,
    version: "1",
    issuedAt: new Date(nowS * 1000),
    expirationTime: new Date((nowS + 3600) * 1000),
  });
  const res = await fetch(`${base}/api/siwe/verify`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ message, signature: await account.signMessage({ message }) }),
  });
  const cookie = res.headers
    .getSetCookie()
    .find((c) => c.startsWith("pp_session="))
    ?.split(";")[0];
  if (res.status !== 200 || !cookie) throw new Error(`sign-in failed: HTTP ${res.status}`);
  return cookie;
}

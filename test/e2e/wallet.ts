// An injected test wallet: an EIP-1193 provider in the page, announced over EIP-6963, whose every
// request goes through `exposeBinding` to Node, where a viem local account signs. The private key
// never enters the page. Like a real wallet it returns no accounts until `eth_requestAccounts`.
import type { BrowserContext } from "playwright-core";
import { createWalletClient, defineChain, http, type Hex, type TypedDataDefinition } from "viem";
import { privateKeyToAccount } from "viem/accounts";

export type TestWallet = {
  address: `0x${string}`;
  /** Makes the next signature or transaction request fail as if the user clicked "Reject". */
  rejectNext(): void;
  requests: string[];
};

/** The eth_signTypedData_v4 payload: a typed-data definition that also lists `EIP712Domain`. */
type TypedDataRequest = TypedDataDefinition & { types: Record<string, unknown> };

const PAGE_PROVIDER = `(() => {
  const listeners = {};
  const emit = (ev, arg) => (listeners[ev] || []).forEach((fn) => { try { fn(arg); } catch {} });
  const provider = {
    isPassepartoutTestWallet: true,
    async request({ method, params }) {
      const r = await window.__e2eWallet({ method, params: params ?? [] });
      if (r.error) {
        const e = new Error(r.error.message);
        e.code = r.error.code;
        throw e;
      }
      if (method === "eth_requestAccounts") {
        emit("connect", { chainId: r.chainId });
        emit("accountsChanged", r.result);
      }
      if (method === "wallet_switchEthereumChain") emit("chainChanged", params[0].chainId);
      return r.result;
    },
    on(ev, fn) { (listeners[ev] ||= []).push(fn); return provider; },
    removeListener(ev, fn) { listeners[ev] = (listeners[ev] || []).filter((f) => f !== fn); return provider; },
  };
  const info = Object.freeze({
    uuid: "6f1c5c8e-3d2b-4e0a-9d7e-e2e000000001",
    name: "E2E Wallet",
    icon: "data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 8 8'%3E%3Crect width='8' height='8' fill='%23333'/%3E%3C/svg%3E",
    rdns: "org.passepartout.e2e",
  });
  const announce = () => window.dispatchEvent(new CustomEvent("eip6963:announceProvider", { detail: Object.freeze({ info, provider }) }));
  window.addEventListener("eip6963:requestProvider", announce);
  announce();
  window.ethereum = provider;
})();`;

export async function installWallet(
  context: BrowserContext,
  privateKey: Hex,
  rpcUrl: string,
  chainId = 31337,
): Promise<TestWallet> {
  const account = privateKeyToAccount(privateKey);
  const chain = defineChain({
    id: chainId,
    name: "e2e",
    nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
    rpcUrls: { default: { http: [rpcUrl] } },
  });
  const client = createWalletClient({ account, chain, transport: http(rpcUrl) });
  const chainHex = `0x${chainId.toString(16)}`;
  let connected = false;
  let reject = false;
  const wallet: TestWallet = { address: account.address, rejectNext: () => (reject = true), requests: [] };
  const userAction = new Set(["personal_sign", "eth_signTypedData_v4", "eth_sendTransaction", "eth_requestAccounts"]);

  async function handle(method: string, params: unknown[]): Promise<unknown> {
    if (userAction.has(method) && reject) {
      reject = false;
      throw Object.assign(new Error("User rejected the request."), { code: 4001 });
    }
    switch (method) {
      case "eth_requestAccounts":
        connected = true;
        return [account.address];
      case "eth_accounts":
        return connected ? [account.address] : [];
      case "eth_chainId":
        return chainHex;
      case "net_version":
        return String(chainId);
      case "wallet_switchEthereumChain":
        if ((params[0] as { chainId?: string } | undefined)?.chainId?.toLowerCase() !== chainHex)
          throw Object.assign(new Error("Unrecognized chain"), { code: 4902 });
        return null;
      case "wallet_addEthereumChain":
        return null;
      case "wallet_requestPermissions":
      case "wallet_getPermissions":
        return connected ? [{ parentCapability: "eth_accounts" }] : [];
      case "wallet_revokePermissions":
        connected = false;
        return null;
      case "personal_sign":
        return account.signMessage({ message: { raw: params[0] as Hex } });
      case "eth_signTypedData_v4": {
        const data = (typeof params[1] === "string" ? JSON.parse(params[1]) : params[1]) as TypedDataRequest;
        const { EIP712Domain: _, ...types } = data.types;
        return account.signTypedData({
          domain: data.domain,
          types,
          primaryType: data.primaryType,
          message: data.message,
        });
      }
      case "eth_sendTransaction": {
        const tx = params[0] as { to?: Hex; data?: Hex; value?: Hex; gas?: Hex };
        return client.sendTransaction({
          to: tx.to,
          data: tx.data,
          value: tx.value ? BigInt(tx.value) : undefined,
          gas: tx.gas ? BigInt(tx.gas) : undefined,
        });
      }
      default: {
        const res = await fetch(rpcUrl, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }),
        });
        const body = (await res.json()) as {
          result?: unknown;
          error?: { code: number; message: string; data?: unknown };
        };
        if (body.error)
          throw Object.assign(new Error(body.error.message), { code: body.error.code, data: body.error.data });
        return body.result;
      }
    }
  }

  await context.exposeBinding(
    "__e2eWallet",
    async (_source, { method, params }: { method: string; params: unknown[] }) => {
      wallet.requests.push(method);
      try {
        return { result: await handle(method, params), chainId: chainHex };
      } catch (err) {
        const e = err as { code?: number; message?: string };
        return { error: { code: e.code ?? -32603, message: e.message ?? String(err) } };
      }
    },
  );
  await context.addInitScript(PAGE_PROVIDER);
  return wallet;
}

import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { QueryCache, QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { WagmiProvider, createConfig, http, injected } from "wagmi";
import { loadConfig } from "./lib/config.ts";
import { makeProtocol, prefetchVenues } from "./lib/protocol.ts";
import { makeRelayer } from "./lib/relayer.ts";
import { createRelayerHealth } from "./lib/relayerHealth.ts";
import { AppContext } from "./hooks/useApp.ts";
import { I18nProvider } from "./i18n/i18n.tsx";
import { initialLang, translator } from "./i18n/translate.ts";
import { App } from "./App.tsx";
import { registerServiceWorker } from "./pwa/serviceWorker.ts";
import "./styles.css";

const root = createRoot(document.getElementById("root")!);
registerServiceWorker();

async function start() {
  const config = await loadConfig();
  const protocol = makeProtocol(config);
  prefetchVenues(protocol); // every page starts from the venues: ask while React mounts
  const wagmi = createConfig({
    chains: [protocol.chain],
    connectors: [injected()],
    transports: { [protocol.chain.id]: http(config.rpcUrl) },
    multiInjectedProviderDiscovery: true,
    ssr: false,
  });
  // A read that finds the relayer down shows the banner; once it answers again, every query is read
  // anew (those that failed too), so the page recovers without a reload.
  const health = createRelayerHealth({
    probe: () => protocol.api.policies(),
    onRecovered: () => void queryClient.invalidateQueries(),
  });
  const queryClient = new QueryClient({
    queryCache: new QueryCache({ onError: (err) => health.report(err) }),
    defaultOptions: { queries: { staleTime: 5_000, retry: 1, refetchOnWindowFocus: false } },
  });
  const relayer = makeRelayer(config.relayerUrl);
  root.render(
    <StrictMode>
      <WagmiProvider config={wagmi}>
        <QueryClientProvider client={queryClient}>
          <I18nProvider>
            <AppContext.Provider value={{ protocol, relayer, wagmi, health }}>
              <App />
            </AppContext.Provider>
          </I18nProvider>
        </QueryClientProvider>
      </WagmiProvider>
    </StrictMode>,
  );
}

start().catch((err: unknown) => {
  const t = translator(initialLang());
  root.render(
    <main className="container">
      <h1>Passepartout</h1>
      <p role="alert" className="error">
        {t("app.configError", { message: err instanceof Error ? err.message : String(err) })}
      </p>
    </main>,
  );
});

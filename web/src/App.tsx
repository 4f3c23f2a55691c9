import { lazy, Suspense } from "react";
import { useRoute, href, routeId, routeParam } from "./lib/route.ts";
import { useI18n } from "./i18n/translate.ts";
import { WalletPanel } from "./components/WalletPanel.tsx";
import { RelayerBanner } from "./components/RelayerBanner.tsx";
import { useApp } from "./hooks/useApp.ts";
import { VenueList } from "./pages/VenueList.tsx";
import { VenuePage } from "./pages/VenuePage.tsx";
import { ResourcePage } from "./pages/ResourcePage.tsx";
import { MyPasses } from "./pages/MyPasses.tsx";
import { DoorPage } from "./pages/DoorPage.tsx";
import { AppDoorPassKeeper } from "./components/DoorPassKeeper.tsx";
// The operator's pages (dashboard, venue editor, revenue chart) load only when opened.
const OperatorPage = lazy(() => import("./pages/OperatorPage.tsx").then((m) => ({ default: m.OperatorPage })));
import { NotFound } from "./pages/NotFound.tsx";

function Page({ page, id }: { page: string; id: string | undefined }) {
  const { t } = useI18n();
  const n = routeId(id);
  if (page === "venues") return <VenueList />;
  if (page === "passes") return <MyPasses />;
  if (page === "operator")
    return (
      <Suspense fallback={<p>{t("app.loading")}</p>}>
        <OperatorPage />
      </Suspense>
    );
  if (page === "venue") return n === null ? <NotFound what="venue" /> : <VenuePage key={n} venueId={n} />;
  if (page === "door")
    return n === null ? (
      <NotFound what="door" />
    ) : (
      <DoorPage key={window.location.hash} doorId={n} code={routeParam(window.location.hash, "c")} />
    );
  if (page === "resource") return n === null ? <NotFound what="resource" /> : <ResourcePage key={n} resourceId={n} />;
  return <NotFound what="page" />;
}

export function App() {
  const { t, lang, setLang } = useI18n();
  const { health } = useApp();
  const route = useRoute();
  const [page, id] = route;
  const current = page ?? "venues";
  const nav = [
    { key: "venues", label: t("nav.venues"), to: href() },
    { key: "passes", label: t("nav.passes"), to: href("passes") },
    { key: "operator", label: t("nav.operator"), to: href("operator") },
  ];
  const active = (key: string) =>
    key === current ||
    (key === "venues" && (current === "venue" || current === "resource")) ||
    (key === "passes" && current === "door");
  // The offline DoorPasses are renewed on every page, not only while the passes page is open.
  return (
    <AppDoorPassKeeper>
      <a className="skip" href="#main" onClick={(e) => (e.preventDefault(), document.getElementById("main")?.focus())}>
        {t("app.skip")}
      </a>
      <header className="top">
        <div className="brand">
          <a href={href()} className="logo" aria-label="Passepartout">
            <svg viewBox="0 0 32 32" width="28" height="28" aria-hidden="true">
              <rect width="32" height="32" rx="6" fill="currentColor" />
              <circle cx="16" cy="13" r="5" fill="none" stroke="#fff" strokeWidth="3" />
              <rect x="14" y="17" width="4" height="9" fill="#fff" />
            </svg>
            <span>Passepartout</span>
          </a>
          <span className="tagline">{t("app.tagline")}</span>
        </div>
        <nav aria-label={t("nav.label")}>
          <ul>
            {nav.map((n) => (
              <li key={n.key}>
                <a href={n.to} aria-current={active(n.key) ? "page" : undefined}>
                  {n.label}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        <button
          type="button"
          className="lang"
          lang={lang === "fr" ? "en" : "fr"}
          onClick={() => setLang(lang === "fr" ? "en" : "fr")}
        >
          {/* The other language's own name: visible text and accessible name agree (WCAG 2.5.3). */}
          {t("lang.switchTo")}
        </button>
        <WalletPanel />
      </header>
      <RelayerBanner health={health} />
      <main id="main" tabIndex={-1} className="container">
        <Page page={current} id={id} />
      </main>
    </AppDoorPassKeeper>
  );
}

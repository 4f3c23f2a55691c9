// "Scan the door's code": the camera inside the page reads the door screen's QR code and, when it is
// a door link of this dApp, opens its door page. Anything else is ignored with a word; a refused or
// missing camera is said plainly.
import { useEffect, useRef, useState } from "react";
import { doorRoute } from "../../../protocol/doorCode.ts";
import { useI18n } from "../i18n/translate.ts";
import { cameraProblem, makeQrReader } from "../lib/qrScanner.ts";

type Problem = { kind: "denied" | "noCamera" | "failed" | "notOurs"; message?: string };

const SCAN_EVERY_MS = 200;

export function ScanDoor() {
  const { t } = useI18n();
  const [scanning, setScanning] = useState(false);
  const [problem, setProblem] = useState<Problem | null>(null);
  const video = useRef<HTMLVideoElement>(null);

  useEffect(() => {
    if (!scanning) return;
    let stopped = false;
    let stream: MediaStream | null = null;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const stop = () => {
      stopped = true;
      clearTimeout(timer);
      stream?.getTracks().forEach((tr) => tr.stop());
    };
    void (async () => {
      try {
        if (!navigator.mediaDevices?.getUserMedia)
          throw Object.assign(new Error("no camera"), { name: "NotFoundError" });
        stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" }, audio: false });
        if (stopped) return stop();
        const v = video.current!;
        v.srcObject = stream;
        await v.play();
        const reader = await makeQrReader();
        const app = `${window.location.origin}${window.location.pathname}`;
        const tick = async () => {
          if (stopped) return;
          const found = v.readyState >= 2 ? await reader.detect(v).catch(() => []) : [];
          for (const code of found) {
            const route = doorRoute(code.rawValue, app);
            if (route) {
              stop();
              setScanning(false);
              window.location.hash = route.hash;
              return;
            }
            setProblem({ kind: "notOurs" });
          }
          timer = setTimeout(() => void tick(), SCAN_EVERY_MS);
        };
        void tick();
      } catch (e) {
        stop();
        setScanning(false);
        const kind = cameraProblem(e);
        setProblem({ kind, message: e instanceof Error ? e.message : String(e) });
      }
    })();
    return stop;
  }, [scanning]);

  return (
    <div className="scan">
      {!scanning ? (
        <button
          type="button"
          className="primary"
          onClick={() => {
            setProblem(null);
            setScanning(true);
          }}
        >
          {t("scan.button")}
        </button>
      ) : (
        <>
          <p role="status">{t("scan.looking")}</p>
          <video ref={video} muted playsInline aria-label={t("scan.video")} className="scan-video" />
          <button type="button" onClick={() => setScanning(false)}>
            {t("scan.stop")}
          </button>
        </>
      )}
      {problem && (
        <p className={problem.kind === "notOurs" ? "muted" : "error"} role="alert" data-testid="scan-problem">
          {problem.kind === "failed" ? t("scan.failed", { message: problem.message ?? "" }) : t(`scan.${problem.kind}`)}
        </p>
      )}
    </div>
  );
}

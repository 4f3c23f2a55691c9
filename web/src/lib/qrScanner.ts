// A QR reader for the camera: the browser's own BarcodeDetector where it has one that reads QR codes
// (Chrome on Android, Safari), else the barcode-detector ponyfill on zxing-wasm — loaded only when a
// member starts scanning, with its WebAssembly served by this app (a Vite asset), never from the CDN
// the package would otherwise fetch it from.
import zxingReaderWasm from "zxing-wasm/reader/zxing_reader.wasm?url";

export type QrReader = { detect(source: HTMLVideoElement): Promise<{ rawValue: string }[]> };

type NativeDetector = {
  new (o: { formats: string[] }): QrReader;
  getSupportedFormats(): Promise<string[]>;
};

export async function makeQrReader(): Promise<QrReader> {
  const native = (globalThis as { BarcodeDetector?: NativeDetector }).BarcodeDetector;
  if (native && (await native.getSupportedFormats().catch((): string[] => [])).includes("qr_code"))
    return new native({ formats: ["qr_code"] });
  const { BarcodeDetector, setZXingModuleOverrides } = await import("barcode-detector/ponyfill");
  setZXingModuleOverrides({
    locateFile: (path: string, prefix: string) => (path.endsWith(".wasm") ? zxingReaderWasm : prefix + path),
  });
  return new BarcodeDetector({ formats: ["qr_code"] });
}

/** Why the camera could not be used, as the member is told. */
export function cameraProblem(e: unknown): "denied" | "noCamera" | "failed" {
  const name = (e as { name?: string } | null)?.name;
  if (name === "NotAllowedError" || name === "SecurityError") return "denied";
  if (name === "NotFoundError" || name === "OverconstrainedError" || name === "NotReadableError") return "noCamera";
  return "failed";
}

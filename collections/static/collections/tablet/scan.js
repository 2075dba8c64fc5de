// Identifying what is in front of the tablet: the codes of the downloaded slice, a barcode
// scanner that types like a keyboard (a "wedge": fast keystrokes ending with Enter), and the
// camera (the browser's BarcodeDetector, else the ZXing decoder installed from npm).

/** A work's label holds its Joconde REF: the Muséofile code and 6 digits. */
export const REF_PATTERN = /^M\d{10}$/;

/** The code a label holds: its QR code may hold the URL of /scan/<code>. */
export function cleanCode(raw) {
  let code = String(raw || "").trim();
  const url = code.match(/\/scan\/([^/?#]+)\/?(?:[?#].*)?$/);
  if (url) {
    try {
      code = decodeURIComponent(url[1]);
    } catch {
      code = url[1];
    }
  }
  return code.trim();
}

function loose(number) {
  return number.toLowerCase().replace(/[\s_]+/g, "");
}

/** Codes of the slice → works and locations, in the server's order of precedence. */
export class CodeIndex {
  constructor(slice) {
    this.works = new Map();
    this.byRef = new Map();
    this.byNumber = new Map();
    this.byLooseNumber = new Map();
    this.locations = new Map();
    this.children = new Map();
    for (const work of slice?.works || []) {
      this.works.set(work.id, work);
      if (work.ref) this.byRef.set(work.ref.toUpperCase(), work);
      this.byNumber.set(work.inventory_number, work);
      this.byLooseNumber.set(loose(work.inventory_number), work);
    }
    for (const location of slice?.locations || []) {
      this.locations.set(location.code, location);
    }
    this.rebuildTree();
  }

  rebuildTree() {
    this.children = new Map();
    for (const location of this.locations.values()) {
      if (!location.parent) continue;
      if (!this.children.has(location.parent)) this.children.set(location.parent, []);
      this.children.get(location.parent).push(location.code);
    }
  }

  /** {type: "work"|"location"|"unknown", work?, location?, code}. */
  resolve(raw) {
    const code = cleanCode(raw);
    if (!code) return null;
    const upper = code.toUpperCase();
    if (REF_PATTERN.test(upper) && this.byRef.has(upper)) {
      return { type: "work", work: this.byRef.get(upper), code, via: "ref" };
    }
    if (this.locations.has(upper)) {
      return { type: "location", location: this.locations.get(upper), code: upper };
    }
    const work = this.byNumber.get(code) || this.byLooseNumber.get(loose(code));
    if (work) return { type: "work", work, code, via: "inventory_number" };
    return { type: "unknown", code };
  }

  /** The location's code and the codes of everything inside it. */
  subtree(code) {
    const codes = new Set();
    const stack = [code];
    while (stack.length) {
      const next = stack.pop();
      if (codes.has(next)) continue;
      codes.add(next);
      stack.push(...(this.children.get(next) || []));
    }
    return codes;
  }

  isInside(code, container) {
    let current = this.locations.get(code);
    const seen = new Set();
    while (current && !seen.has(current.code)) {
      if (current.code === container) return true;
      seen.add(current.code);
      current = current.parent ? this.locations.get(current.parent) : null;
    }
    return false;
  }
}

/**
 * The always-focused input a barcode scanner types into. ``onCode(code, startedAt)`` gets each
 * Enter-terminated code; ``canTakeFocus()`` says when another field may keep the focus.
 */
export function attachWedge(input, onCode, canTakeFocus) {
  let firstKeyAt = null;
  input.addEventListener("keydown", (event) => {
    // Scanners end a code with Enter (some with Tab): either ends it when something was typed.
    if (event.key === "Enter" || (event.key === "Tab" && input.value.trim())) {
      event.preventDefault();
      const code = input.value;
      input.value = "";
      const startedAt = event.timeStamp || performance.now();
      firstKeyAt = null;
      if (code.trim()) onCode(code, startedAt);
    } else if (firstKeyAt === null) {
      firstKeyAt = event.timeStamp;
    }
  });
  const refocus = () => {
    if (document.hidden || !canTakeFocus()) return;
    const active = document.activeElement;
    const typing =
      active &&
      active !== input &&
      (active.matches("input, textarea, select, [contenteditable]") ||
        active.closest("dialog[open]"));
    if (!typing && active !== input) input.focus({ preventScroll: true });
  };
  // Buttons take the focus when tapped: give it back to the scanner's input right after.
  document.addEventListener("focusout", () => setTimeout(refocus, 0));
  document.addEventListener("click", () => setTimeout(refocus, 0));
  document.addEventListener("visibilitychange", () => setTimeout(refocus, 0));
  return refocus;
}

function loadScript(url) {
  return new Promise((resolve, reject) => {
    const existing = document.querySelector(`script[data-src="${url}"]`);
    if (existing && window.ZXing) return resolve();
    const script = document.createElement("script");
    script.src = url;
    script.dataset.src = url;
    script.onload = () => resolve();
    script.onerror = () => reject(new Error(`Cannot load ${url}`));
    document.head.append(script);
  });
}

const FORMATS = ["qr_code", "code_128", "code_39", "ean_13", "data_matrix"];
const INTERVAL_MS = 120;
const SAME_CODE_MS = 2500;

/** The camera as a scanner: decodes frames of ``video`` until stopped. */
export class CameraScanner {
  constructor(video, { decoderUrl, onCode, onStatus }) {
    this.video = video;
    this.decoderUrl = decoderUrl;
    this.onCode = onCode;
    this.onStatus = onStatus || (() => {});
    this.stream = null;
    this.timer = null;
    this.last = { code: null, at: 0 };
  }

  get running() {
    return Boolean(this.stream);
  }

  async start() {
    if (!navigator.mediaDevices?.getUserMedia) throw new Error("no-camera");
    this.decode = await this.decoder();
    this.stream = await navigator.mediaDevices.getUserMedia({
      video: { facingMode: { ideal: "environment" }, width: { ideal: 1280 } },
      audio: false,
    });
    this.video.srcObject = this.stream;
    await this.video.play();
    this.tick();
  }

  async decoder() {
    if ("BarcodeDetector" in window) {
      const supported = await window.BarcodeDetector.getSupportedFormats();
      const formats = FORMATS.filter((format) => supported.includes(format));
      if (formats.length) {
        this.engine = "BarcodeDetector";
        const detector = new window.BarcodeDetector({ formats });
        return async () => {
          const codes = await detector.detect(this.video);
          return codes.length ? codes[0].rawValue : null;
        };
      }
    }
    if (!this.decoderUrl) throw new Error("no-decoder");
    await loadScript(this.decoderUrl);
    const ZXing = window.ZXing;
    this.engine = "ZXing";
    const hints = new Map();
    hints.set(ZXing.DecodeHintType.POSSIBLE_FORMATS, [
      ZXing.BarcodeFormat.QR_CODE,
      ZXing.BarcodeFormat.CODE_128,
      ZXing.BarcodeFormat.CODE_39,
      ZXing.BarcodeFormat.EAN_13,
      ZXing.BarcodeFormat.DATA_MATRIX,
    ]);
    hints.set(ZXing.DecodeHintType.TRY_HARDER, true);
    const reader = new ZXing.MultiFormatReader();
    reader.setHints(hints);
    const canvas = document.createElement("canvas");
    const context = canvas.getContext("2d", { willReadFrequently: true });
    return async () => {
      const { videoWidth: width, videoHeight: height } = this.video;
      if (!width || !height) return null;
      const scale = Math.min(1, 960 / Math.max(width, height));
      canvas.width = Math.round(width * scale);
      canvas.height = Math.round(height * scale);
      context.drawImage(this.video, 0, 0, canvas.width, canvas.height);
      try {
        const source = new ZXing.HTMLCanvasElementLuminanceSource(canvas);
        const bitmap = new ZXing.BinaryBitmap(new ZXing.HybridBinarizer(source));
        return reader.decodeWithState(bitmap).getText();
      } catch {
        return null; // nothing readable in this frame
      } finally {
        reader.reset();
      }
    };
  }

  tick() {
    if (!this.stream) return;
    this.timer = setTimeout(async () => {
      let code = null;
      try {
        code = await this.decode();
      } catch {
        code = null;
      }
      const now = performance.now();
      if (code && (code !== this.last.code || now - this.last.at > SAME_CODE_MS)) {
        this.last = { code, at: now };
        if (navigator.vibrate) navigator.vibrate(60);
        this.onCode(code, now);
      }
      this.tick();
    }, INTERVAL_MS);
  }

  stop() {
    clearTimeout(this.timer);
    if (this.stream) for (const track of this.stream.getTracks()) track.stop();
    this.stream = null;
    this.video.srcObject = null;
  }
}

// Draws a page's charts where the user looks first. A chart in (or near)
// the viewport is drawn at once; one further down is drawn when it scrolls
// near, or, if it was never drawn, in the idle time after the first paint
// (so a report, or a page left alone, ends up with every chart drawn).
// A live change marks charts stale: the ones in view redraw, the others
// wait until they are scrolled to. Only what is seen costs anything, which
// keeps a 10,000-run sweep's page fast to open and to follow.

// How far outside the viewport a chart still counts as near: drawn before
// it scrolls in, so scrolling shows no empty panels.
const NEAR_PX = 200;
// The pause between two background draws: the page stays responsive to
// input while the rest fills in.
const IDLE_GAP_MS = 30;

function nearViewport(el) {
  const r = el.getBoundingClientRect();
  if (r.width === 0 && r.height === 0) return false; // not laid out (hidden)
  return r.top < window.innerHeight + NEAR_PX && r.bottom > -NEAR_PX;
}

export class LazyCharts {
  constructor() {
    this.items = new Map(); // el -> {draw, stale, drawnOnce, running}
    this.idleTimer = null;
    this.disposed = false;
    this.observer = typeof IntersectionObserver === 'undefined' ? null
      : new IntersectionObserver((entries) => {
        for (const e of entries) if (e.isIntersecting) this.drawIfStale(e.target);
      }, { rootMargin: `${NEAR_PX}px 0px` });
  }

  // `draw()` (may return a promise) draws the chart in `el` from the page's
  // current data.
  add(el, draw) {
    this.items.set(el, { draw, stale: true, drawnOnce: false, running: null });
    if (this.observer) this.observer.observe(el);
  }

  remove(el) {
    this.items.delete(el);
    if (this.observer) this.observer.unobserve(el);
  }

  // Marks every chart stale and draws the ones near the viewport; resolves
  // when those are drawn. The others follow (see the file comment).
  async refresh() {
    for (const item of this.items.values()) item.stale = true;
    const near = [...this.items.keys()].filter((el) => !this.observer || nearViewport(el));
    await Promise.all(near.map((el) => this.drawIfStale(el)));
    this.scheduleIdle();
  }

  async drawIfStale(el) {
    const item = this.items.get(el);
    if (!item || this.disposed) return;
    if (item.running) await item.running; // one draw at a time per chart
    if (!item.stale) return;
    item.stale = false;
    item.drawnOnce = true;
    item.running = Promise.resolve(item.draw()).finally(() => { item.running = null; });
    await item.running;
  }

  scheduleIdle() {
    if (this.idleTimer || this.disposed) return;
    this.idleTimer = setTimeout(() => {
      this.idleTimer = null;
      const next = [...this.items.entries()].find(([, item]) => !item.drawnOnce);
      if (!next) return;
      this.drawIfStale(next[0]).finally(() => this.scheduleIdle());
    }, IDLE_GAP_MS);
  }

  dispose() {
    this.disposed = true;
    clearTimeout(this.idleTimer);
    if (this.observer) this.observer.disconnect();
  }
}

'use strict';
/** Shared helpers for the benchmarks: a bare NestJS JSON endpoint as the baseline, timing, memory. */
const { performance } = require('node:perf_hooks');

/**
 * The Node flags `npm start` runs the app with (package.json's start script: the heap cap), so that a bench
 * child running the app's code sees the same heap as the product.
 */
function startFlags() {
  return require('../package.json').scripts.start.split(/\s+/).filter((t) => t.startsWith('--'));
}

/** Starts a bare NestJS 12 app (Express) with one JSON endpoint; returns { url, close }. */
async function bareNest() {
  require('reflect-metadata');
  const { NestFactory } = require('@nestjs/core');
  const { Controller, Get, Module } = require('@nestjs/common');
  class BareController {
    ping() {
      return { ok: true, at: 'bare' };
    }
  }
  Controller('bare')(BareController);
  Get('ping')(BareController.prototype, 'ping', Object.getOwnPropertyDescriptor(BareController.prototype, 'ping'));
  class BareModule {}
  Module({ controllers: [BareController] })(BareModule);
  const app = await NestFactory.create(BareModule, { logger: false });
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address();
  return { url: `http://127.0.0.1:${port}/bare/ping`, close: () => app.close() };
}

/** Median and p95 of `runs` sequential timings of an async function, in ms. */
async function timeIt(fn, runs) {
  const ms = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await fn();
    ms.push(performance.now() - t0);
  }
  ms.sort((a, b) => a - b);
  return { median: ms[Math.floor(ms.length / 2)], p95: ms[Math.floor(ms.length * 0.95)], runs };
}

/** Samples RSS every 20 ms while fn runs; returns [result, peak MB]. */
async function peakRss(fn) {
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 20);
  try {
    const result = await fn();
    peak = Math.max(peak, process.memoryUsage().rss);
    return [result, Math.round(peak / 1024 / 1024)];
  } finally {
    clearInterval(timer);
  }
}

const fmt = (n, d = 1) => Number(n).toFixed(d);

module.exports = { startFlags, bareNest, timeIt, peakRss, fmt };

// What scrap does to a bucket's counts, in one place: units the PLC counted good that quality later
// scrapped or reworked move from good to reject in the bucket where they were made (startup scrap to
// startup rejects, the rest to production rejects). Units the PLC had already counted as rejects are
// not passed in (scrap_record.plcCountedAsReject): a PLC reject scrapped again is never a second
// reject. No more than the bucket's good units can move, so the total never changes.

export interface PlcCounts {
  good: number;
  reject: number;
}

/** Scrapped or reworked units the PLC had counted good, made in the bucket. */
export interface ScrapOfGoodUnits {
  startup: number;
  production: number;
}

export interface CountsAfterScrap {
  good: number;
  startupRejects: number;
  productionRejects: number;
}

export function countsAfterScrap(plc: PlcCounts, scrap: ScrapOfGoodUnits): CountsAfterScrap {
  const moved = Math.min(plc.good, Math.max(0, scrap.startup) + Math.max(0, scrap.production));
  const startupMoved = Math.min(Math.max(0, scrap.startup), moved);
  return {
    good: plc.good - moved,
    startupRejects: startupMoved,
    productionRejects: plc.reject + (moved - startupMoved),
  };
}

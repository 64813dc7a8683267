import { LIST_PRICES } from '../../../../lambda/config/settings';
import { renderReport } from '../../../../lambda/deliver/report/render';
import { niceScale } from '../../../../lambda/deliver/report/svg';
import { buildReportData } from '../../../../lambda/react/insight/report-data';
import { jobFinished } from '../../../support/builders';
import { byId, findAll, parseHtml, tableRows } from '../../../support/html';

const WINDOW = { since: '2026-11-20T00:00:00.000Z', until: '2026-11-21T23:59:59.999Z' };

function report(events: Parameters<typeof buildReportData>[0]['events']): string {
  return renderReport(
    buildReportData({
      ...WINDOW,
      events,
      budgets: [],
      usage: [],
      pricing: LIST_PRICES,
      generatedAt: '2026-11-22T07:00:00.000Z',
    }),
  );
}

describe('renderReport', () => {
  it('escapes hostile names everywhere and stays one well-formed document without a script', () => {
    const hostile = '<script>alert("x")</script> & Ünïcødé 🚀 \'quoted\'';
    const job = jobFinished('00001', 'FAILED', 'nightly', {
      device: { name: hostile, platform: 'ANDROID', os: '14' },
      observedAt: '2026-11-21T08:00:00.000Z',
      stopped: '2026-11-21T08:00:00.000Z',
      minutes: { total: 3, metered: 3, unmetered: 0 },
    });

    const html = report([job]);

    expect(html).not.toContain('<script');
    const doc = parseHtml(html);
    expect(tableRows(byId(doc, 'devices-table'))[0]?.[0]).toBe(hostile);
    expect(tableRows(byId(doc, 'devices-table'))[0]?.slice(1)).toEqual(['1', '1', '0%', '1', '0', '3', '0.00']);
  });

  it('says an empty window is empty rather than drawing nothing', () => {
    const doc = parseHtml(report([]));

    expect(findAll(byId(doc, 'minutes-chart'), (e) => e.tag === 'rect')).toEqual([]);
    expect(findAll(byId(doc, 'minutes-chart'), (e) => e.attrs.class === 'empty')).toHaveLength(1);
    expect(tableRows(byId(doc, 'devices-table'))).toEqual([]);
    expect(tableRows(byId(doc, 'totals-table'))[0]).toEqual(['metered device minutes', '0', '0.00 USD']);
  });
});

describe('niceScale', () => {
  it.each([
    [0, 1, 0.25],
    [7, 8, 2],
    [62.8, 80, 20],
    [1000, 1000, 250],
    [1003, 1500, 500],
  ])('puts the axis of a maximum of %d at %d in steps of %d', (max, top, step) => {
    expect(niceScale(max)).toEqual({ top, step });
  });
});

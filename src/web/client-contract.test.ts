// The pages (src/web/client/, checked against the DOM) describe the API's JSON in their own
// api.ts, since they cannot import the server's Node-side modules. These compile-time checks
// (run by `npm run typecheck`) keep the two in step: every answer the server builds must fit
// what the pages read.
import { describe, expectTypeOf, it } from 'vitest';
import type * as Client from './client/api.js';
import type { CognitionSearchResult } from './cognition-search.js';
import type { FrontAnswer } from './front-view.js';
import type { LiveMessage } from './live.js';
import type { NodeDetail } from './node-detail.js';
import type { ExperimentSummary, NodeSummary } from './node-summary.js';
import type { SamplerOverview } from './sampler-view.js';
import type { SpendTimeline } from './spend-timeline.js';

describe('the API answers and what the dashboard pages read', () => {
  it('fit each other', () => {
    expectTypeOf<NodeSummary>().toExtend<Client.NodeSummary>();
    expectTypeOf<ExperimentSummary>().toExtend<Client.ExperimentSummary>();
    expectTypeOf<SpendTimeline>().toExtend<Client.SpendTimeline>();
    expectTypeOf<SamplerOverview>().toExtend<Client.SamplerOverview>();
    expectTypeOf<LiveMessage>().toExtend<Client.LiveMessage>();
    expectTypeOf<NodeDetail>().toExtend<Client.NodeDetail>();
    expectTypeOf<CognitionSearchResult>().toExtend<Client.CognitionSearchResult>();
    expectTypeOf<FrontAnswer>().toExtend<Client.FrontAnswer>();
  });
});

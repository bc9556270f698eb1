import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { corruptPdf, encryptedPdf, scannedPdf, textPdf } from '../../src/cognition/papers/test-support/pdfs.js';
import type { FakeReply } from '../../src/llm/test-support/fake-openai-server.js';
import {
  fakeApi,
  makeExperiment,
  readCognition,
  runCli,
  startCli,
  startFakeLlm,
  useE2eCleanup,
  waitFor,
  type LlmRequest,
} from './helpers.js';

useE2eCleanup();

/** The Cognition Extractor's answer: one item per "Lesson:" line of the pages in the prompt, on its page. */
function extractLessons(request: LlmRequest): FakeReply {
  const prompt = request.messages.find((message) => message.role === 'user')?.content ?? '';
  const blocks: string[] = [];
  let page = 0;
  for (const line of prompt.split('\n')) {
    const pageMark = /^--- page (\d+) ---$/.exec(line);
    if (pageMark?.[1] !== undefined) page = Number(pageMark[1]);
    const lesson = /^Lesson: (.+)$/.exec(line.trim())?.[1];
    if (lesson !== undefined && page > 0) {
      blocks.push(
        `<cognition_item><kind>heuristic</kind><title>${lesson.split(' ').slice(0, 3).join(' ')}</title><content>${lesson}</content><page>${page}</page></cognition_item>`,
      );
    }
  }
  return {
    text: blocks.length > 0 ? blocks.join('\n') : '<no_items/>',
    usage: { prompt_tokens: 50, completion_tokens: 20 },
  };
}

async function writePapers(folder: string): Promise<void> {
  mkdirSync(folder, { recursive: true });
  writeFileSync(
    join(folder, '1-packing.pdf'),
    await textPdf(['Lesson: seed the largest circles in the corners', 'Lesson: refine every layout with SLSQP'], {
      title: 'Packing Tricks',
    }),
  );
  writeFileSync(
    join(folder, '2-restarts.md'),
    '# Restart Notes\n\nLesson: restart the optimiser from perturbed layouts when it stalls\n',
  );
  writeFileSync(join(folder, '3-locked.pdf'), encryptedPdf());
  writeFileSync(join(folder, '4-scan.pdf'), await scannedPdf());
  writeFileSync(join(folder, '5-broken.pdf'), corruptPdf());
}

describe('asi-evolve cognition ingest (whole CLI)', () => {
  it('ingests a folder of papers into items with sources, names bad papers, and resumes without redoing finished ones', async () => {
    const { server, calls } = await startFakeLlm(extractLessons);
    const dir = makeExperiment({ config: { api: fakeApi(server.url) } });
    const papers = join(dir, 'papers');
    await writePapers(papers);

    const first = await runCli(['cognition', 'ingest', dir, '--papers', papers]);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(2);
    expect(first.stdout).toContain(
      `[1/5] ${join(papers, '1-packing.pdf')}: "Packing Tricks", 2 pages → 2 items stored`,
    );
    expect(first.stdout).toContain(`[2/5] ${join(papers, '2-restarts.md')}: "Restart Notes", 1 pages → 1 items stored`);
    expect(first.stdout).toContain(
      `[3/5] ${join(papers, '3-locked.pdf')}: skipped: the PDF is encrypted (password-protected)`,
    );
    expect(first.stdout).toContain(
      `[4/5] ${join(papers, '4-scan.pdf')}: skipped: the PDF has no text layer (a scanned paper?)`,
    );
    expect(first.stdout).toContain(
      `[5/5] ${join(papers, '5-broken.pdf')}: skipped: the PDF cannot be read (corrupt or truncated)`,
    );
    expect(first.stdout).toContain(
      'Ingested 2 of 5 papers (0 done before, 3 skipped): 3 items stored, 0 duplicates left out.',
    );
    const { items } = readCognition(dir);
    expect(items.map((item) => item.source)).toEqual([
      'Packing Tricks, p. 1',
      'Packing Tricks, p. 2',
      'Restart Notes, p. 1',
    ]);
    expect(items[1]?.content).toBe('refine every layout with SLSQP');
    expect(calls.length).toBe(2);

    const again = await runCli(['cognition', 'ingest', dir, '--papers', papers]);
    expect(again.stdout).toContain(`[1/5] ${join(papers, '1-packing.pdf')}: done before: already ingested on`);
    expect(again.stdout).toContain('Ingested 0 of 5 papers (2 done before, 3 skipped)');
    expect(calls.length).toBe(2);
    expect(readCognition(dir).items).toHaveLength(3);
  });

  it('keeps finished papers when interrupted and redoes only the unfinished one', async () => {
    let hang = true;
    const { server, calls } = await startFakeLlm((request) => {
      const prompt = request.messages.find((message) => message.role === 'user')?.content ?? '';
      return hang && prompt.includes('Restart Notes') ? { hang: true } : extractLessons(request);
    });
    const dir = makeExperiment({ config: { api: fakeApi(server.url, { timeout: 30 }) } });
    const papers = join(dir, 'papers');
    await writePapers(papers);
    const cli = startCli([
      'cognition',
      'ingest',
      dir,
      '--papers',
      join(papers, '1-packing.pdf'),
      join(papers, '2-restarts.md'),
    ]);
    await waitFor(() => calls.length === 2, 'the second paper to be sent');
    cli.child.kill('SIGINT');
    const interrupted = await cli.done;
    expect(interrupted.code).toBe(130);
    expect(interrupted.stdout).toContain('Interrupted: finished papers are kept');
    expect(readCognition(dir).papers.map((paper) => paper.title)).toEqual(['Packing Tricks']);

    hang = false;
    const resumed = await runCli(['cognition', 'ingest', dir, '--papers', papers]);
    expect(resumed.stdout).toContain('done before');
    expect(
      calls
        .slice(2)
        .map((call) => call.messages.find((message) => message.role === 'user')?.content.includes('Restart Notes')),
    ).toEqual([true]);
    expect(readCognition(dir).papers.map((paper) => paper.title)).toEqual(['Packing Tricks', 'Restart Notes']);
  });

  it('needs an LLM to ingest, and says which key to set', async () => {
    const dir = makeExperiment();
    const run = await runCli(['cognition', 'ingest', dir, '--papers', dir]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('cognition ingest needs an LLM');
    expect(run.stderr).toContain('hint: Set api.model');
  });
});

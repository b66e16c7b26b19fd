import * as S from '@aws-sdk/client-swf';

/** Every event of a run, across all history pages. */
export async function readEvents(
  context: { swf: S.SWFClient; config: { domain: string } },
  execution: { workflowId: string; runId: string },
): Promise<S.HistoryEvent[]> {
  const events: S.HistoryEvent[] = [];
  let nextPageToken: string | undefined;
  do {
    const page = await context.swf.send(
      new S.GetWorkflowExecutionHistoryCommand({ domain: context.config.domain, execution, nextPageToken }),
    );
    events.push(...(page.events ?? []));
    nextPageToken = page.nextPageToken;
  } while (nextPageToken);
  return events;
}

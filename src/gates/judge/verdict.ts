/** A judge's answer: a 1–5 score and its one-sentence reason. */
export interface JudgeVerdict {
  score: number;
  rationale: string | null;
}

/** The chat-completions request asking the judge to score one reply against the rubric. */
export function judgeRequest(model: string, rubric: string, prompt: string, reply: string): unknown {
  return {
    model,
    temperature: 0,
    messages: [
      { role: 'system', content: rubric },
      {
        role: 'user',
        content: `Prompt given to the assistant:\n${prompt}\n\nAssistant reply to score:\n${reply}`,
      },
    ],
  };
}

/**
 * Reads the judge's score from a chat-completions answer: `choices[0].message.content` as JSON
 * `{ score, rationale }`, else the first standalone digit 1–5 in it. Throws when there is none.
 */
export function readJudgeVerdict(body: unknown): JudgeVerdict {
  const choices = (body as { choices?: { message?: { content?: unknown } }[] } | null)?.choices;
  const content = choices?.[0]?.message?.content;
  if (typeof content !== 'string') throw new Error('the answer has no choices[0].message.content');
  const json = /\{[\s\S]*\}/.exec(content)?.[0];
  if (json) {
    try {
      const o = JSON.parse(json) as { score?: unknown; rationale?: unknown };
      if (typeof o.score === 'number' && Number.isInteger(o.score) && o.score >= 1 && o.score <= 5) {
        return { score: o.score, rationale: typeof o.rationale === 'string' ? o.rationale : null };
      }
    } catch {
      // Not JSON after all: fall back to the first digit.
    }
  }
  const digit = /(?<!\d|\d\.)[1-5](?!\d|\.\d)/.exec(content);
  if (!digit) throw new Error(`no score 1–5 in the judge's answer: ${JSON.stringify(content.slice(0, 200))}`);
  return { score: Number(digit[0]), rationale: content.trim().slice(0, 1000) };
}

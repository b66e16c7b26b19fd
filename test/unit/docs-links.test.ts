import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = new URL('../../', import.meta.url).pathname;

/** The Markdown files whose links must resolve: the README and every guide under docs/. */
const markdownFiles = (): string[] => [
  'README.md',
  ...readdirSync(join(root, 'docs'))
    .filter((name) => name.endsWith('.md'))
    .map((name) => join('docs', name)),
];

/** Text without fenced code blocks and inline code, where a `[x](y)` is an example, not a link. */
const prose = (text: string): string =>
  text.replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, '').replace(/(`+)[^`\n]*?\1/g, '');

/** GitHub's heading anchor: lowercase, punctuation dropped, each space a '-'; repeats get -1, -2, … */
const githubSlug = (heading: string): string =>
  heading
    .trim()
    .toLowerCase()
    .replace(/<[^>]*>/g, '')
    .replace(/[^\p{L}\p{N}\p{M}\s_-]/gu, '')
    .replace(/\s/g, '-');

/** Every anchor a file offers: its headings' slugs (numbered when repeated) and explicit `<a id|name>`. */
const anchorsOf = (text: string): Set<string> => {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  const body = text.replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, '');
  for (const [, heading] of body.matchAll(/^#{1,6}\s+(.+?)\s*#*\s*$/gm)) {
    const plain = (heading ?? '').replace(/\[([^\]]*)\]\([^)]*\)/g, '$1').replace(/`/g, '');
    const slug = githubSlug(plain);
    const count = seen.get(slug) ?? 0;
    anchors.add(count === 0 ? slug : `${slug}-${count}`);
    seen.set(slug, count + 1);
  }
  for (const [, id] of body.matchAll(/<a\s+(?:id|name)="([^"]+)"/g)) anchors.add(id ?? '');
  return anchors;
};

/** The relative links of a Markdown text (inline links and images), external ones left out. */
const relativeLinks = (text: string): string[] =>
  [...prose(text).matchAll(/!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)]
    .map((m) => m[1] ?? '')
    .filter((target) => !/^[a-z][a-z0-9+.-]*:/i.test(target));

/** The links of `file` that lead nowhere, each with the reason. */
const brokenLinks = (file: string): string[] => {
  const text = readFileSync(join(root, file), 'utf8');
  return relativeLinks(text).flatMap((target) => {
    const [path = '', anchor] = target.split('#', 2);
    const resolved = path === '' ? join(root, file) : join(root, dirname(file), decodeURI(path));
    if (!existsSync(resolved)) return [`${target}: no file ${relative(root, resolved)}`];
    if (anchor === undefined || statSync(resolved).isDirectory() || !resolved.endsWith('.md')) return [];
    const anchors = anchorsOf(readFileSync(resolved, 'utf8'));
    return anchors.has(decodeURIComponent(anchor))
      ? []
      : [`${target}: no heading with anchor #${anchor} in ${relative(root, resolved)}`];
  });
};

describe('documentation links', () => {
  it('follow GitHub anchor rules', () => {
    expect(githubSlug('What the tests prove about a deploy, and what they cannot')).toBe(
      'what-the-tests-prove-about-a-deploy-and-what-they-cannot',
    );
    expect(githubSlug('swf-local: an SWF-compatible server for your laptop')).toBe(
      'swf-local-an-swf-compatible-server-for-your-laptop',
    );
    expect(githubSlug('decide()')).toBe('decide');
    expect([...anchorsOf('# A\n\n## Goals\n\n## Goals\n\n<a id="old-name"></a>\n')]).toEqual([
      'a',
      'goals',
      'goals-1',
      'old-name',
    ]);
  });

  it('ignore examples in code', () => {
    expect(relativeLinks('see [x](a.md) and `[y](b.md)`\n```\n[z](c.md)\n```\n![i](p.png)')).toEqual([
      'a.md',
      'p.png',
    ]);
  });

  it('leave the README a short map: at most 250 lines, the guides in docs/', () => {
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    expect(readme.trimEnd().split('\n').length).toBeLessThanOrEqual(250);
    expect(readme).toContain('npm start');
    expect(readme).toContain('npm test');
  });

  it.each(markdownFiles())('in %s lead to a file and a heading that exist', (file) => {
    expect(brokenLinks(file)).toEqual([]);
  });
});

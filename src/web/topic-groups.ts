import type { Topic } from '../topics/topic.entity.js';

/**
 * How the subscribe form groups the default taxonomy. Presentation only: topics imported later
 * that are not listed here appear under "More topics", so the taxonomy can change freely.
 */
const GROUPS: { name: string; slugs: string[] }[] = [
  { name: 'Language models and agents', slugs: ['llm', 'reasoning-rl', 'agents', 'code', 'safety-alignment'] },
  {
    name: 'Vision, audio and generation',
    slugs: ['multimodal', 'image-generation', 'video', '3d-vision', 'speech-audio', 'segmentation', 'object-detection', 'image-restoration'],
  },
  { name: 'Efficiency', slugs: ['quantization', 'pruning-sparsity', 'knowledge-distillation', 'efficient-inference', 'edge-ai', 'architecture-search'] },
  {
    name: 'Learning methods and theory',
    slugs: ['graph-learning', 'representation-learning', 'federated-learning', 'metric-learning', 'optimization-theory', 'domain-adaptation'],
  },
  { name: 'Applications and evaluation', slugs: ['robotics', 'medical', 'benchmarks-datasets'] },
];

export interface TopicOption {
  slug: string;
  name: string;
  description: string;
  checked: boolean;
}

export interface TopicGroup {
  id: string;
  name: string;
  topics: TopicOption[];
  checkedCount: number;
}

export function groupTopics(topics: Topic[], checked: string[]): TopicGroup[] {
  const option = (t: Topic): TopicOption => ({ slug: t.slug, name: t.name, description: t.description, checked: checked.includes(t.slug) });
  const bySlug = new Map(topics.map((t) => [t.slug, t]));
  const placed = new Set<string>();
  const groups = GROUPS.map((g) => {
    const members = g.slugs.filter((s) => bySlug.has(s)).map((s) => (placed.add(s), option(bySlug.get(s)!)));
    return { name: g.name, topics: members };
  });
  groups.push({ name: 'More topics', topics: topics.filter((t) => !placed.has(t.slug)).map(option) });
  return groups.filter((g) => g.topics.length > 0).map((g, i) => ({ id: `group-${i}`, ...g, checkedCount: g.topics.filter((t) => t.checked).length }));
}

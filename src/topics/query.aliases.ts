/**
 * Abbreviations a query may use in place of their spelled-out forms. A bare, unquoted word that
 * matches a key (case-insensitively) matches the abbreviation itself or any of its expansions,
 * and is reported under the name the query used (`GNN`, not `graph neural network`).
 *
 * Expansions are phrases in query syntax: hyphens match hyphenated, closed and spaced forms;
 * a trailing `*` is a prefix. Quote a word (`"rag"`) to search for it without expansion.
 */
export const QUERY_ALIASES: Readonly<Record<string, readonly string[]>> = {
  llm: ['large language model', 'large-scale language model'],
  slm: ['small language model'],
  lrm: ['large reasoning model'],
  vlm: ['vision-language model', 'visual language model', 'vision language model'],
  lvlm: ['large vision-language model'],
  mllm: ['multimodal large language model', 'multi-modal large language model'],
  lmm: ['large multimodal model', 'large multi-modal model'],
  vla: ['vision-language-action model', 'vision-language-action'],
  gnn: ['graph neural network', 'graph neural net'],
  gcn: ['graph convolutional network'],
  rl: ['reinforcement learning'],
  rlhf: ['reinforcement learning from human feedback'],
  rlvr: ['reinforcement learning with verifiable reward', 'reinforcement learning from verifiable reward'],
  rlaif: ['reinforcement learning from AI feedback'],
  dpo: ['direct preference optimization'],
  ppo: ['proximal policy optimization'],
  grpo: ['group relative policy optimization'],
  sft: ['supervised fine-tuning'],
  peft: ['parameter-efficient fine-tuning'],
  cot: ['chain-of-thought', 'chain of thought'],
  rag: ['retrieval-augmented generation', 'retrieval augmented generation'],
  moe: ['mixture of experts', 'mixture-of-experts'],
  vit: ['vision transformer'],
  dit: ['diffusion transformer'],
  nerf: ['neural radiance field'],
  '3dgs': ['3D Gaussian splatting'],
  nas: ['neural architecture search'],
  kd: ['knowledge distillation'],
  ptq: ['post-training quantization'],
  qat: ['quantization-aware training'],
  asr: ['automatic speech recognition', 'speech recognition'],
  vqa: ['visual question answering'],
  ocr: ['optical character recognition'],
  gan: ['generative adversarial network'],
  vae: ['variational autoencoder', 'variational auto-encoder'],
  ssl: ['self-supervised learning'],
  fl: ['federated learning'],
  slam: ['simultaneous localization and mapping'],
  gui: ['graphical user interface'],
  swe: ['software engineering'],
};

/** The expansions of `word` when it is an alias, else undefined. */
export function aliasExpansions(word: string): readonly string[] | undefined {
  return Object.hasOwn(QUERY_ALIASES, word.toLowerCase()) ? QUERY_ALIASES[word.toLowerCase()] : undefined;
}

/** The documented example's four documents (vector-core README, apps/demo) and queries about them. */
export const DOCS = [
  'Machine learning is a subset of artificial intelligence that enables systems to learn from data',
  'Natural language processing helps computers understand and generate human language',
  'Computer vision enables machines to interpret and understand visual information from the world',
  'Deep learning uses neural networks with many layers to model complex patterns',
] as const;
export const TOPICS = ['ML', 'NLP', 'CV', 'DL'] as const;

export const DOCUMENTED_QUERY = 'How do computers understand human language?';

/** Paraphrases that share no word at all with the document they are about (checked in the tests). */
export const PARAPHRASES: ReadonlyArray<readonly [query: string, target: number]> = [
  ['software that recognises objects in photos', 2],
  ['teaching robots how pictures look', 2],
  ['translating sentences from English into French', 1],
  ['chatbots that read text written by people', 1],
  ['algorithms improving automatically with experience', 0],
  ['statistical models trained on examples', 0],
  ['brain-inspired architectures trained by backpropagation', 3],
  ['stacked artificial neurons', 3],
];

/** Lowercase words, for checking that a paraphrase shares nothing with its target. */
export function words(text: string): Set<string> {
  return new Set(text.toLowerCase().match(/[a-z]+/g) ?? []);
}

/** A second, unrelated set: eight documents and two no-shared-content-word queries for each. */
export const DOCS_2 = [
  'Simmer the tomato sauce with garlic and basil, then pour it over fresh pasta',
  'The central bank raised interest rates to slow inflation and cool the housing market',
  'The striker scored twice in the second half and the team won the championship',
  'Doctors recommend vaccination to protect children against measles and other infections',
  'We booked a flight to Lisbon and spent a week exploring beaches and old castles',
  'Refactor the function so the unit tests cover every branch before you merge the pull request',
  'The orchestra performed a symphony by Beethoven with a famous violin soloist',
  'Heavy rain and strong winds are expected tomorrow as the storm moves inland',
] as const;

export const PARAPHRASES_2: ReadonlyArray<readonly [query: string, target: number]> = [
  ['what should I cook for dinner tonight', 0],
  ['an Italian recipe with noodles', 0],
  ['why are mortgages getting more expensive', 1],
  ['monetary policy and rising prices', 1],
  ['who got the goals in the football final', 2],
  ['soccer match result', 2],
  ['immunising kids against disease', 3],
  ['a shot that prevents illness', 3],
  ['holiday trip to Portugal', 4],
  ['vacation plans seaside', 4],
  ['code review and software testing', 5],
  ['cleaning up messy code', 5],
  ['classical music concert', 6],
  ['a pianist playing Mozart', 6],
  ['weather forecast hurricane', 7],
  ['will it be wet and windy', 7],
];

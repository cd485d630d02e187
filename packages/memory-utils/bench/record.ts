/** A typical agent record (~300 bytes as MessagePack), shared by the benchmarks. */
export const record = {
  userId: 'u-4821',
  name: 'Ada Lovelace',
  preferences: { theme: 'dark', language: 'en', notifications: true },
  history: [
    { role: 'user', content: 'Capital of France?', timestamp: 1_717_171_717_000 },
    { role: 'assistant', content: 'Paris.', timestamp: 1_717_171_718_250 },
    { role: 'user', content: 'Population?', timestamp: 1_717_171_720_500 },
  ],
  score: 0.875,
  createdAt: new Date('2024-05-31T16:08:37.000Z'),
};

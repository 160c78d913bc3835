/** The envelope of the events these tests append: one CPTS, one coordinator, one correlation. */
export const metadata = {
  cptsId: 'cpts-x',
  actor: { id: 'a', role: 'coordinator' as const },
  correlationId: 'c',
  causationId: 'c',
  source: 'api' as const,
};

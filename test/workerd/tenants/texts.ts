/** Short labelled sentences for the text flows: clearly separable topics for use-lite. */

export const WEATHER: string[] = [
  "Heavy rain is expected all afternoon.",
  "Tomorrow will be sunny and warm.",
  "A cold front brings snow to the hills tonight.",
  "Strong winds and thunderstorms are forecast.",
  "The fog should lift by mid-morning.",
  "Temperatures will drop below freezing overnight.",
];

export const COOKING: string[] = [
  "Simmer the tomato sauce for twenty minutes.",
  "Whisk the eggs with sugar until pale.",
  "Roast the chicken with garlic and thyme.",
  "Knead the dough and let it rise for an hour.",
  "Season the soup with salt and pepper.",
  "Fry the onions until golden brown.",
];

export const FINANCE: string[] = [
  "The central bank raised interest rates again.",
  "Quarterly earnings beat analyst expectations.",
  "The stock market fell sharply at the open.",
  "Bond yields climbed to a ten-year high.",
  "The company announced a share buyback.",
  "Inflation slowed for the third month in a row.",
];

export function labelled(texts: string[], label: string): [string, string][] {
  return texts.map((text) => [text, label]);
}

/** Three topics, six sentences each. */
export const TOPICS: [string, string][] = [
  ...labelled(WEATHER, "weather"),
  ...labelled(COOKING, "cooking"),
  ...labelled(FINANCE, "finance"),
];

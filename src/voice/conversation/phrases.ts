/**
 * The few lines the agent says on its own, without the LLM: they are needed exactly when the LLM is failing or
 * the call is ending, so they cannot depend on it. Languages beyond these fall back to English.
 */
export interface StockPhrases {
  /** A provider failed on this turn; the call goes on. */
  apology: string;
  /** The caller's words were lost (speech recognition failed). */
  missedThat: string;
  /** Providers keep failing; the call ends. */
  technicalGoodbye: string;
  /** The caller has been silent for a while. */
  stillThere: string;
  /** The caller stayed silent after the re-prompt; the call ends. */
  silenceGoodbye: string;
  /** The call reached its maximum duration. */
  timeLimitGoodbye: string;
}

const PHRASES: Record<string, StockPhrases> = {
  en: {
    apology: "Sorry, I'm having trouble answering right now. Could you say that again?",
    missedThat: "Sorry, I didn't catch that. Could you repeat it?",
    technicalGoodbye: "I'm sorry, we're having technical difficulties. Please call back later. Goodbye.",
    stillThere: 'Are you still there?',
    silenceGoodbye: "It seems you're no longer there. Goodbye.",
    timeLimitGoodbye: "I'm sorry, we've reached the time limit for this call. Thank you for calling. Goodbye.",
  },
  es: {
    apology: 'Lo siento, tengo problemas para responder ahora mismo. ¿Podría repetirlo?',
    missedThat: 'Perdón, no le he entendido. ¿Puede repetirlo?',
    technicalGoodbye: 'Lo siento, tenemos problemas técnicos. Por favor, vuelva a llamar más tarde. Adiós.',
    stillThere: '¿Sigue ahí?',
    silenceGoodbye: 'Parece que ya no está ahí. Adiós.',
    timeLimitGoodbye: 'Lo siento, hemos alcanzado el tiempo máximo de esta llamada. Gracias por llamar. Adiós.',
  },
  fr: {
    apology: "Désolé, j'ai du mal à répondre pour le moment. Pouvez-vous répéter ?",
    missedThat: "Pardon, je n'ai pas compris. Pouvez-vous répéter ?",
    technicalGoodbye: 'Désolé, nous rencontrons des difficultés techniques. Merci de rappeler plus tard. Au revoir.',
    stillThere: 'Êtes-vous toujours là ?',
    silenceGoodbye: "Il semble que vous ne soyez plus là. Au revoir.",
    timeLimitGoodbye: "Désolé, nous avons atteint la durée maximale de cet appel. Merci de votre appel. Au revoir.",
  },
  de: {
    apology: 'Entschuldigung, ich habe gerade Probleme zu antworten. Könnten Sie das wiederholen?',
    missedThat: 'Entschuldigung, das habe ich nicht verstanden. Könnten Sie es wiederholen?',
    technicalGoodbye: 'Es tut mir leid, wir haben technische Probleme. Bitte rufen Sie später noch einmal an. Auf Wiederhören.',
    stillThere: 'Sind Sie noch da?',
    silenceGoodbye: 'Anscheinend sind Sie nicht mehr da. Auf Wiederhören.',
    timeLimitGoodbye: 'Es tut mir leid, die maximale Gesprächsdauer ist erreicht. Danke für Ihren Anruf. Auf Wiederhören.',
  },
  pt: {
    apology: 'Desculpe, estou com dificuldade para responder agora. Pode repetir?',
    missedThat: 'Desculpe, não entendi. Pode repetir?',
    technicalGoodbye: 'Desculpe, estamos com problemas técnicos. Por favor, ligue mais tarde. Tchau.',
    stillThere: 'Você ainda está aí?',
    silenceGoodbye: 'Parece que você não está mais aí. Tchau.',
    timeLimitGoodbye: 'Desculpe, atingimos o tempo máximo desta chamada. Obrigado por ligar. Tchau.',
  },
  it: {
    apology: 'Mi scusi, ho difficoltà a rispondere in questo momento. Può ripetere?',
    missedThat: 'Mi scusi, non ho capito. Può ripetere?',
    technicalGoodbye: 'Mi dispiace, abbiamo problemi tecnici. La preghiamo di richiamare più tardi. Arrivederci.',
    stillThere: 'È ancora lì?',
    silenceGoodbye: 'Sembra che non sia più in linea. Arrivederci.',
    timeLimitGoodbye: 'Mi dispiace, abbiamo raggiunto la durata massima della chiamata. Grazie per aver chiamato. Arrivederci.',
  },
};

export function stockPhrases(language: string): StockPhrases {
  const base = language.trim().toLowerCase().split(/[-_]/u)[0] ?? 'en';
  return PHRASES[base] ?? PHRASES.en!;
}

export type { SurveyImportOptions, SurveyImportReport } from './import.ts';
export { importSurveyResponsesCsv, SURVEY_IMPORT_FIELDS } from './import.ts';
export { getResponse, listResponses, recordResponse } from './responses.ts';
export { type Answer, surveyAnswersBetween, surveyResults } from './results.ts';
export { answerSurvey, openSurveyLink, sendSurveys } from './sends.ts';
export { getSurveySettings, loadSurveySettings, updateSurveySettings } from './settings.ts';
export { surveyFacts } from './survey-facts.ts';
export { isDetractor, npsClass, SURVEY_KINDS, type SurveyKind, summarize, trend } from './survey-maths.ts';
export { surveyPageRoutes } from './survey-page.ts';
export { surveysRoutes } from './surveys.routes.ts';
export {
  DEFAULT_SURVEY_SETTINGS,
  RecordResponse,
  SendSurvey,
  SurveyResponse,
  SurveyResults,
  SurveySettings,
} from './surveys.schemas.ts';

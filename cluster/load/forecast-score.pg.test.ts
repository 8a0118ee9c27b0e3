import { forecastScoreSuite } from './forecast-score-suite.ts';

forecastScoreSuite('postgres');

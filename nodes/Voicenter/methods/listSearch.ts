export { searchCampaigns } from './campaigns';

// Parameters for infra/main.bicep (README: Deploy to Azure). Secrets are not parameters: they go into the Key
// Vault the template creates. Override any value with -p name=value after this file.
using './main.bicep'

param namePrefix = readEnvironmentVariable('PIPELINE_PREFIX', 'pipeline')
param instanceMemoryMB = 2048
param maximumInstanceCount = 100
param alwaysReadyHttpInstances = 0
param intercomBaseUrl = 'https://api.intercom.io'
param trackingAppKeys = []
param statisticsSweepSchedule = '0 0 * * * *'

// Who may set the Key Vault secrets: export KEYVAULT_OFFICER_ID="$(az ad signed-in-user show --query id -o tsv)"
param keyVaultOfficerPrincipalId = readEnvironmentVariable('KEYVAULT_OFFICER_ID', '')

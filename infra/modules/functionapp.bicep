// The Flex Consumption app running the custom handler (README: Hosting), as the user-assigned identity.

param name string
param location string
param identityId string
param deploymentContainerUrl string

@description('App settings, in their final form (identity connections, Key Vault references, plain values).')
param appSettings array

@allowed([512, 2048, 4096])
param instanceMemoryMB int

param maximumInstanceCount int

@description('Always-ready instances for the HTTP functions (0: scale from zero).')
param alwaysReadyHttpInstances int

resource plan 'Microsoft.Web/serverfarms@2024-04-01' = {
  name: '${name}-plan'
  location: location
  kind: 'functionapp'
  sku: { tier: 'FlexConsumption', name: 'FC1' }
  properties: { reserved: true }
}

resource app 'Microsoft.Web/sites@2024-04-01' = {
  name: name
  location: location
  kind: 'functionapp,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: { '${identityId}': {} }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    keyVaultReferenceIdentity: identityId
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: deploymentContainerUrl
          authentication: {
            type: 'UserAssignedIdentity'
            userAssignedIdentityResourceId: identityId
          }
        }
      }
      scaleAndConcurrency: {
        maximumInstanceCount: maximumInstanceCount
        instanceMemoryMB: instanceMemoryMB
        alwaysReady: alwaysReadyHttpInstances > 0 ? [{ name: 'http', instanceCount: alwaysReadyHttpInstances }] : []
      }
      runtime: {
        name: 'custom'
        version: '1.0'
      }
    }
    siteConfig: {
      appSettings: appSettings
      minTlsVersion: '1.2'
      ftpsState: 'Disabled'
    }
  }
}

output name string = app.name
output defaultHostName string = app.properties.defaultHostName
